using Microsoft.AspNetCore.Http;

namespace ApiGuard.Identity;

/// <summary>
/// Resolves the client of a request. Every ApiGuard capability uses the one registered resolver, so that they
/// all count and report the same client. The result is cached on the request, and re-resolved once a principal
/// has been authenticated.
/// </summary>
public interface IClientIdentityResolver
{
    /// <summary>The client of <paramref name="context"/>: the authenticated principal, else an API key or signing key id, else the client IP.</summary>
    ClientIdentity Resolve(HttpContext context);

    /// <summary>The client address only (after trusted-proxy processing), ignoring principals and keys.</summary>
    ClientIdentity ResolveAddress(HttpContext context);
}
