namespace ApiGuard.BruteForce;

/// <summary>Set by the middleware on protected requests so it does not record an outcome the endpoint already recorded.</summary>
internal sealed class BruteForceFeature
{
    public bool Recorded { get; set; }
}
