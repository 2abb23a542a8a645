using ApiGuard.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard.Bots;

/// <summary>
/// Sorts a request's client into <see cref="ClientClass"/>: verified when the principal's authentication type is one of
/// <see cref="BotDetectionOptions.VerifiedAuthenticationTypes"/> or its API-key/principal id is in <see cref="BotDetectionOptions.VerifiedClients"/>;
/// known for any other API key or principal; anonymous otherwise. Allocation-free.
/// </summary>
internal sealed class BotClientClassifier
{
    private readonly string[] _verifiedTypes;
    private readonly HashSet<string> _verifiedClients;

    public BotClientClassifier(IOptions<BotDetectionOptions> options)
    {
        _verifiedTypes = [.. options.Value.VerifiedAuthenticationTypes];
        _verifiedClients = new HashSet<string>(options.Value.VerifiedClients, StringComparer.Ordinal);
    }

    public ClientClass Classify(HttpContext context, ClientIdentity identity)
    {
        var user = context.User.Identity;
        if (user is { IsAuthenticated: true, AuthenticationType: { } type })
        {
            foreach (var verified in _verifiedTypes)
            {
                if (string.Equals(type, verified, StringComparison.OrdinalIgnoreCase))
                {
                    return ClientClass.Verified;
                }
            }
        }

        if (identity.Kind is ClientIdentityKind.ApiKey or ClientIdentityKind.Principal)
        {
            return _verifiedClients.Count > 0 && _verifiedClients.Contains(identity.Id) ? ClientClass.Verified : ClientClass.Known;
        }

        return ClientClass.Anonymous;
    }
}
