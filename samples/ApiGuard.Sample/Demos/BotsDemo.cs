using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ApiGuard.Bots;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ApiGuard.Sample.Demos;

/// <summary>
/// Bots and incident-response demo: <c>GET /api/orders/{id}</c> (walk it to see BOLA enumeration detected),
/// <c>GET /api/cart</c> and <c>POST /api/orders</c> (flow rule: more than 3 orders in 10 minutes without a cart view),
/// and the admin endpoints under <c>/apiguard/admin</c> behind the policy <c>ApiGuardAdmin</c>.
/// SAMPLE ONLY: the policy accepts a fixed demo admin key in <c>X-Admin-Key</c> (<c>BotsDemo:AdminKey</c> in appsettings.json);
/// a real app names a policy over its own operators' authentication.
/// </summary>
public static class BotsDemo
{
    /// <summary>The demo authorization policy protecting the admin endpoints.</summary>
    public const string AdminPolicy = "ApiGuardAdmin";

    /// <summary>The sample-only authentication scheme that reads the demo admin key.</summary>
    public const string AdminKeyScheme = "DemoAdminKey";

    /// <summary>Adds bot detection (binds <c>ApiGuard:Bots</c>), the flow rule and the demo admin policy.</summary>
    public static void AddBotsDemo(this IApiGuardBuilder guard, AuthenticationBuilder authentication)
    {
        guard.AddBotDetection(o => o.AddFlowRule("orders-without-cart")
            .On("POST", "/api/orders")
            .WithoutPrior("GET", "/api/cart")
            .MoreThan(3)
            .Within(TimeSpan.FromMinutes(10)));
        authentication.AddScheme<AuthenticationSchemeOptions, DemoAdminKeyHandler>(AdminKeyScheme, null);
        guard.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy
            .AddAuthenticationSchemes(AdminKeyScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ClaimTypes.Role, "apiguard-admin"));
    }

    /// <summary>Maps the demo API and the admin endpoints.</summary>
    public static void MapBotsDemo(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/orders/{id:long}", (long id) =>
            id is >= 1 and <= 1000 ? Results.Ok(new DemoOrder(id, "shipped")) : Results.NotFound());
        app.MapGet("/api/cart", () => Results.Ok(new DemoCart([])));
        app.MapPost("/api/orders", () => Results.Created("/api/orders/1", new DemoOrder(1, "created")));
        app.MapApiGuardAdmin(AdminPolicy);
    }

    /// <summary>A demo order.</summary>
    /// <param name="Id">The order id.</param>
    /// <param name="Status">Its status.</param>
    public sealed record DemoOrder(long Id, string Status);

    /// <summary>A demo cart.</summary>
    /// <param name="Items">The items.</param>
    public sealed record DemoCart(IReadOnlyList<string> Items);

    /// <summary>SAMPLE ONLY: signs in as the demo operator when <c>X-Admin-Key</c> equals <c>BotsDemo:AdminKey</c>.</summary>
    internal sealed class DemoAdminKeyHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var expected = configuration["BotsDemo:AdminKey"];
            var presented = Request.Headers["X-Admin-Key"].ToString();
            if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            {
                return Task.FromResult(AuthenticateResult.Fail("Wrong admin key."));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "demo-operator"), new Claim(ClaimTypes.Role, "apiguard-admin")], AdminKeyScheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AdminKeyScheme)));
        }
    }
}
