namespace ApiGuard.Replay;

/// <summary>Settings of the in-memory replay store.</summary>
public sealed class ReplayStoreOptions
{
    /// <summary>The most reservations held at once. When full (after dropping expired ones) the store refuses new ones.</summary>
    /// <value>Default: 1,000,000.</value>
    public int Capacity { get; set; } = 1_000_000;
}
