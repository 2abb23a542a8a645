using ApiGuard.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard.Bots;

/// <summary>
/// Sorts a request's client into <see cref="ClientClass"/>: verified when the principal's authentication type is one of
/// <see cref="BotDetectionOptions.VerifiedAuthenticationTypes"/> or its API-key/principal id is in <see cref="BotDetectionOptions.VerifiedClients"/>;
/// known for any other authenticated principal; anonymous otherwise. An API key or signing key id that no authentication handler
/// validated is only a claim anyone can make up, so it is anonymous (unless the key's hash is allow-listed, which proves it).
/// Allocation-free.
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

        var allowListed = _verifiedClients.Count > 0 && _verifiedClients.Contains(identity.Id);
        return identity.Kind switch
        {
            ClientIdentityKind.Principal => allowListed ? ClientClass.Verified : ClientClass.Known,
            ClientIdentityKind.ApiKey when allowListed => ClientClass.Verified,
            _ => ClientClass.Anonymous,
        };
    }

    /// <summary>
    /// Whether the client's actions and behaviour are also kept under its address: true for every client that did not prove
    /// who it is (no authenticated principal, not verified), so that adding or changing an unvalidated API key or key id never
    /// sheds an action taken against the address.
    /// </summary>
    public static bool TracksAddress(ClientIdentity identity, ClientClass clientClass) =>
        identity.Kind != ClientIdentityKind.Principal && clientClass != ClientClass.Verified;

    /// <summary>
    /// The id the client's address is also tracked under (<c>ip:…</c>), or <see langword="null"/> when the client proved who it
    /// is (see <see cref="TracksAddress"/>), has no address, or its id already is its address.
    /// </summary>
    public static string? AddressIdOf(IClientIdentityResolver resolver, HttpContext context, ClientIdentity identity, ClientClass clientClass)
    {
        if (!TracksAddress(identity, clientClass))
        {
            return null;
        }

        var address = resolver.ResolveAddress(context);
        return address.Kind == ClientIdentityKind.Unknown || string.Equals(address.Id, identity.Id, StringComparison.Ordinal) ? null : address.Id;
    }
}
