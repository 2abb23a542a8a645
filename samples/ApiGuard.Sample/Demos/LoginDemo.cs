using System.Security.Cryptography;
using System.Text.Json;
using ApiGuard.BruteForce;
using ApiGuard.Problems;

namespace ApiGuard.Sample.Demos;

/// <summary>
/// <c>POST /api/login</c> with <c>{"username": ..., "password": ...}</c>: 200 on success, 401 on failure with the same body
/// whether or not the user exists, guarded against brute force and credential stuffing.
/// SAMPLE ONLY: one hard-coded demo user, <c>alice</c> / <c>wonderland-2026</c>, stored as a salted PBKDF2 hash.
/// </summary>
public static class LoginDemo
{
    /// <summary>The login route.</summary>
    public const string Route = "/api/login";

    /// <summary>PBKDF2-SHA-256 iterations of the demo password hashes.</summary>
    private const int Iterations = 100_000;

    /// <summary>The most bytes a login body may have.</summary>
    private const int MaxBodyBytes = 4096;

    /// <summary>The one 401 body, byte for byte the same for a wrong password and an unknown user.</summary>
    private static readonly byte[] s_unauthorizedBody =
        """{"type":"https://apiguard.dev/problems/invalid-credentials","title":"Invalid credentials","status":401,"detail":"The username or password is incorrect."}"""u8.ToArray();

    // SAMPLE ONLY. alice's password is 'wonderland-2026' (see README); only its salted hash is here.
    private static readonly Dictionary<string, (byte[] Salt, byte[] Hash)> s_users = new(StringComparer.Ordinal)
    {
        ["alice"] = (Convert.FromBase64String("tEIbUcywh5aWxL728cO1cg=="), Convert.FromBase64String("ux5/5EGc3XFOsOKQ2kPjt1pKLZtcRpsTvtWe//i3Lls=")),
    };

    // Unknown users are verified against this (random) hash, so they cost exactly the same work as known ones.
    private static readonly (byte[] Salt, byte[] Hash) s_dummy =
        (Convert.FromBase64String("eLcqrePsMwC25wQm4KI+vw=="), Convert.FromBase64String("zRfaOHByCiGuBvZuIOotqCzSnQH1n3Vdi/GJ/6JW0+0="));

    /// <summary>Registers what the login demo needs: brute-force protection (bound from <c>ApiGuard:BruteForce</c>).</summary>
    public static IApiGuardBuilder AddLoginDemo(this IApiGuardBuilder guard) => guard.AddBruteForceProtection();

    /// <summary>
    /// Maps <c>POST /api/login</c>. The brute-force middleware reads the username (below) and checks the (address, account)
    /// pair, the address and the account before the endpoint runs; the endpoint records the outcome.
    /// </summary>
    public static IEndpointRouteBuilder MapLoginDemo(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, LoginAsync).AllowAnonymous().RequireBruteForceProtection(ReadUsernameAsync);
        return app;
    }

    private static async ValueTask<string?> ReadUsernameAsync(HttpContext context) => (await ReadAsync(context))?.Username;

    private static async Task LoginAsync(HttpContext context, IBruteForceGuard guard)
    {
        var credentials = await ReadAsync(context);
        if (credentials is null)
        {
            await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
                ApiGuardProblemTypes.MalformedRequest, StatusCodes.Status400BadRequest, "Malformed request",
                "Send a JSON object with string members 'username' and 'password'."));
            return;
        }

        // The middleware has already refused delayed or blocked clients (429 with Retry-After) before any password hash
        // is computed. Without the middleware, call guard.CheckAsync(context, username) here first.
        var (username, password) = credentials.Value;
        if (Verify(username, password))
        {
            await guard.RecordSuccessAsync(context, username, context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new LoginResponse(username, true), context.RequestAborted);
            return;
        }

        await guard.RecordFailureAsync(context, username, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = ApiGuardProblemWriter.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = s_unauthorizedBody.Length;
        await context.Response.Body.WriteAsync(s_unauthorizedBody, context.RequestAborted);
    }

    /// <summary>Constant work whether or not the user exists: one PBKDF2 and one fixed-time comparison.</summary>
    internal static bool Verify(string username, string password)
    {
        var known = s_users.TryGetValue(username, out var user);
        var (salt, expected) = known ? user : s_dummy;
        Span<byte> actual = stackalloc byte[32];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, actual, Iterations, HashAlgorithmName.SHA256);
        return CryptographicOperations.FixedTimeEquals(actual, expected) & known;
    }

    /// <summary>Reads and parses the body once per request (the middleware's selector and the endpoint share the result).</summary>
    private static async Task<(string Username, string Password)?> ReadAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(LoginRequest), out var cached))
        {
            return ((string Username, string Password)?)cached;
        }

        var credentials = await ParseAsync(context);
        context.Items[typeof(LoginRequest)] = credentials;
        return credentials;
    }

    private static async Task<(string Username, string Password)?> ParseAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes || !context.Request.HasJsonContentType())
        {
            return null;
        }

        // Buffered and rewound: the middlewares after this selector (payload inspection) read the body too.
        context.Request.EnableBuffering(MaxBodyBytes + 1);
        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await context.Request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted)) > 0)
        {
            read += n;
        }

        context.Request.Body.Position = 0;
        if (read > MaxBodyBytes)
        {
            return null;
        }

        try
        {
            var request = JsonSerializer.Deserialize<LoginRequest>(buffer.AsSpan(0, read), s_json);
            return request is { Username: { Length: > 0 } u, Password: { } p } ? (u, p) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private sealed record LoginRequest(string? Username, string? Password);

    private sealed record LoginResponse(string Username, bool Authenticated);
}
