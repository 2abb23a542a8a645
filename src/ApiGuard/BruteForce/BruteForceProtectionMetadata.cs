using Microsoft.AspNetCore.Http;

namespace ApiGuard.BruteForce;

/// <summary>
/// Endpoint metadata that puts an endpoint under brute-force protection: the middleware refuses blocked or delayed clients
/// before the endpoint runs. With an account selector it also checks the (address, account) pair and the account, and records
/// the outcome from the status code (401 or 403: failure; 2xx: success) unless the endpoint recorded it through <see cref="IBruteForceGuard"/>.
/// </summary>
public interface IBruteForceProtectionMetadata
{
    /// <summary>Reads the account an attempt is for, or <see langword="null"/> to check the client address only.</summary>
    Func<HttpContext, ValueTask<string?>>? AccountSelector { get; }
}

/// <summary>Puts the endpoint under brute-force protection (address checks; use <c>RequireBruteForceProtection(selector)</c> for accounts).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class BruteForceProtectionAttribute : Attribute, IBruteForceProtectionMetadata
{
    internal static readonly BruteForceProtectionAttribute Instance = new();

    /// <inheritdoc />
    public Func<HttpContext, ValueTask<string?>>? AccountSelector => null;
}

/// <summary>Brute-force protection metadata with an account selector.</summary>
internal sealed class BruteForceProtectionMetadata(Func<HttpContext, ValueTask<string?>> accountSelector) : IBruteForceProtectionMetadata
{
    public Func<HttpContext, ValueTask<string?>>? AccountSelector { get; } = accountSelector;
}
