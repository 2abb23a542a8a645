using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>
/// Puts a fresh server nonce in <c>DPoP-Nonce</c> on every 401 and every 2xx response (unless the response already has one),
/// so a client always holds a nonce for its next request. Runs early (<see cref="DependencyInjection.ApiGuardStage.ClientIdentity"/>)
/// so the 401s of later ApiGuard stages and of authentication challenges carry it too.
/// </summary>
internal sealed class ServerNonceMiddleware
{
    private static readonly Func<object, Task> s_onStarting = OnStarting;
    private readonly RequestDelegate _next;
    private readonly IServerNonceService _nonces;
    private readonly ServerNonceOptions _options;
    private readonly ApiGuardModeResolver _modes;

    public ServerNonceMiddleware(RequestDelegate next, IServerNonceService nonces, IOptions<ServerNonceOptions> options, ApiGuardModeResolver modes)
    {
        _next = next;
        _nonces = nonces;
        _options = options.Value;
        _modes = modes;
    }

    public Task Invoke(HttpContext context)
    {
        if ((!_options.EmitOnSuccess && !_options.EmitOnUnauthorized) || _modes.IsDisabled(context, ApiGuardCapabilities.ChallengeResponse))
        {
            return _next(context);
        }

        context.Response.OnStarting(s_onStarting, new State(this, context));
        return _next(context);
    }

    private static Task OnStarting(object state)
    {
        var (self, context) = (State)state;
        var status = context.Response.StatusCode;
        var emit = (status == StatusCodes.Status401Unauthorized && self._options.EmitOnUnauthorized) ||
                   (status is >= 200 and < 300 && self._options.EmitOnSuccess);
        if (emit && !context.Response.Headers.ContainsKey(ChallengeResponseDefaults.NonceHeaderName))
        {
            context.Response.Headers[ChallengeResponseDefaults.NonceHeaderName] = self._nonces.Issue(context);
        }

        return Task.CompletedTask;
    }

    private sealed record State(ServerNonceMiddleware Self, HttpContext Context);
}
