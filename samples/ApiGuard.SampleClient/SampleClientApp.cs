using System.Text;
using ApiGuard.Client.Signatures;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.SampleClient;

/// <summary>
/// Calls the sample's <c>POST /api/signed/echo</c> through <c>ApiGuard.Client</c>: an <see cref="HttpClient"/> from
/// <c>IHttpClientFactory</c> with <c>AddApiGuardSigning</c>, signed with one of the RFC 9421 demo keys.
/// usage: <c>dotnet run --project samples/ApiGuard.SampleClient -- [base-url] [key-id] [message]</c>.
/// </summary>
public static class SampleClientApp
{
    /// <summary>The sample API's default address.</summary>
    public const string DefaultBaseUrl = "http://127.0.0.1:5080";

    /// <summary>Runs the client; returns 0 when the server accepted the signed request.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var baseUrl = args.Length > 0 ? args[0] : DefaultBaseUrl;
        var keyId = args.Length > 1 ? args[1] : "test-key-ed25519";
        var message = args.Length > 2 ? args[2] : "hello from ApiGuard.SampleClient";

        SignatureKey key;
        try
        {
            key = LoadDemoKey(keyId);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }

        var services = new ServiceCollection();
        var http = services.AddHttpClient("signed", c => c.BaseAddress = new Uri(baseUrl))
            .AddApiGuardSigning(o => o.Key = key);
        if (primaryHandler is not null)
        {
            http.ConfigurePrimaryHttpMessageHandler(() => primaryHandler);
        }

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("signed");
        var body = "{\"message\": \"" + message.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}";
        using var response = await client.PostAsync("/api/signed/echo", new StringContent(body, Encoding.UTF8, "application/json"));
        var sent = response.RequestMessage!;
        await stdout.WriteLineAsync($"POST {sent.RequestUri} signed with {keyId} ({key.Algorithm})");
        foreach (var name in new[] { "Content-Digest", "Signature-Input", "Signature" })
        {
            if (sent.Headers.TryGetValues(name, out var values))
            {
                await stdout.WriteLineAsync($"  {name}: {string.Join(", ", values)}");
            }
        }

        await stdout.WriteLineAsync($"{(int)response.StatusCode} {response.StatusCode}");
        await stdout.WriteLineAsync(await response.Content.ReadAsStringAsync());
        return response.IsSuccessStatusCode ? 0 : 2;
    }

    /// <summary>Loads a demo private key (copied next to the executable from the sample's keys folder).</summary>
    /// <exception cref="ArgumentException">The key id is not one of the demo keys.</exception>
    public static SignatureKey LoadDemoKey(string keyId)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "keys");
        return keyId switch
        {
            "test-shared-secret" => SignatureKey.FromSharedSecret(keyId, Convert.FromBase64String(File.ReadAllText(Path.Combine(dir, "test-shared-secret.b64")).Trim())),
            "test-key-ed25519" => SignatureKey.FromPem(keyId, SignatureAlgorithms.Ed25519, File.ReadAllText(Path.Combine(dir, "test-key-ed25519.priv.pem"))),
            "test-key-ecc-p256" => SignatureKey.FromPem(keyId, SignatureAlgorithms.EcdsaP256Sha256, File.ReadAllText(Path.Combine(dir, "test-key-ecc-p256.priv.pem"))),
            "test-key-rsa-pss" => SignatureKey.FromPem(keyId, SignatureAlgorithms.RsaPssSha512, File.ReadAllText(Path.Combine(dir, "test-key-rsa-pss.priv.pem"))),
            _ => throw new ArgumentException($"Unknown demo key '{keyId}'. Use test-shared-secret, test-key-ed25519, test-key-ecc-p256 or test-key-rsa-pss."),
        };
    }
}
