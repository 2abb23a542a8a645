namespace ApiGuard;

/// <summary>How an ApiGuard capability acts on what it decides.</summary>
public enum ApiGuardMode
{
    /// <summary>Decisions are enforced: requests that should be blocked are blocked.</summary>
    Enforce = 0,

    /// <summary>Nothing is blocked; every decision that would have blocked is reported as <see cref="Monitoring.SecurityAction.WouldBlock"/>.</summary>
    DetectOnly = 1,
}
