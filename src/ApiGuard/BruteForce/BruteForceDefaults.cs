namespace ApiGuard.BruteForce;

/// <summary>Names used by brute-force protection in events.</summary>
public static class BruteForceDefaults
{
    /// <summary>The event kind ApiGuard's authentication handlers publish for every failure; brute-force protection counts these.</summary>
    public const string AuthenticationFailedKind = "authentication.failed";

    /// <summary>An attempt was refused during a progressive delay (<c>bruteforce.throttled</c>).</summary>
    public const string ThrottledKind = "bruteforce.throttled";

    /// <summary>An attempt was refused during a temporary block (<c>bruteforce.blocked</c>).</summary>
    public const string BlockedKind = "bruteforce.blocked";

    /// <summary>A failure started a temporary block (<c>bruteforce.block_started</c>).</summary>
    public const string BlockStartedKind = "bruteforce.block_started";

    /// <summary>One client address failed on many distinct accounts (<c>bruteforce.credential_stuffing</c>).</summary>
    public const string CredentialStuffingKind = "bruteforce.credential_stuffing";

    /// <summary>One account failed from many distinct client addresses (<c>bruteforce.password_spraying</c>).</summary>
    public const string PasswordSprayingKind = "bruteforce.password_spraying";
}
