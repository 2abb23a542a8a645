using ApiGuard.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard.RateLimiting;

/// <summary>
/// The default <see cref="IRateLimitTierResolver"/>: the authenticated principal's <c>apiguard:tier</c> claim, else the client's
/// entry in <see cref="RateLimitingOptions.ClientTiers"/> (by <c>ClientIdentity.Id</c>, for example an API key's <c>apikey:…</c> hash).
/// Never a request header: a client cannot pick its own tier.
/// </summary>
internal sealed class DefaultRateLimitTierResolver : IRateLimitTierResolver
{
    public const string TierClaimType = "apiguard:tier";
    private readonly IClientIdentityResolver _identity;
    private readonly Dictionary<string, string> _tiers;

    public DefaultRateLimitTierResolver(IClientIdentityResolver identity, IOptions<RateLimitingOptions> options)
    {
        _identity = identity;
        _tiers = new Dictionary<string, string>(options.Value.ClientTiers, StringComparer.Ordinal);
    }

    public string? GetTier(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(TierClaimType)?.Value is { Length: > 0 } claim)
        {
            return claim;
        }

        return _tiers.Count > 0 && _tiers.TryGetValue(_identity.Resolve(context).Id, out var tier) ? tier : null;
    }
}
