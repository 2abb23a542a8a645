using System.Net;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Tests.Authentication.Signatures;

public sealed class SignatureRobustnessTests
{
    [Fact]
    public async Task MutatedSignatureFields_NeverAnswer500()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items?a=1");
        var signed = await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }, host.Time).SignAsync(request);
        var random = new Random(9421);
        const string Alphabet = "\"();=:,*?-_ 0123456789abcdefghijklmnopqrstuvwxyzABCXYZ@\\/+%.\t";
        var client = host.CreateUnsignedClient();
        var statuses = new HashSet<HttpStatusCode>();

        for (var i = 0; i < 150; i++)
        {
            var input = Mutate(signed.SignatureInput, random, Alphabet);
            var signature = i % 3 == 0 ? Mutate(signed.Signature, random, Alphabet) : signed.Signature;
            using var mutated = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items?a=1");
            mutated.Headers.TryAddWithoutValidation("Signature-Input", input);
            mutated.Headers.TryAddWithoutValidation("Signature", signature);

            using var response = await client.SendAsync(mutated);

            statuses.Add(response.StatusCode);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"{(int)response.StatusCode} for Signature-Input: {input}");
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Contains(HttpStatusCode.Unauthorized, statuses);
    }

    [Fact]
    public async Task DebugLogging_FailedSignature_LogsBaseButNeverKeyMaterial()
    {
        var logs = new TestLogCollector();
        await using var host = await SignatureTestHost.StartAsync(services: s => s.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddFilter("ApiGuard", LogLevel.Debug).AddProvider(logs)));
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items?a=1");
        await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-shared-secret") }, host.Time).SignAsync(request);
        request.RequestUri = new Uri("http://localhost/api/signed/items?a=2");

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(logs.Entries.Count(e => e.EventId == 3003) == 1, string.Join(" || ", logs.Entries.Select(e => e.EventId + ":" + e.Message)));
        var baseLog = logs.Entries.Single(e => e.EventId == 3003);
        Assert.Contains("\"@target-uri\": http://localhost/api/signed/items?a=2", baseLog.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("@target-uri", body, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.EventId == 3002 && e.Message.Contains(SignatureChecks.BadSignature, StringComparison.Ordinal));
        var secret = File.ReadAllText(TestPaths.Vector("rfc9421", "keys", "test-shared-secret.b64")).Trim();
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret[..20], StringComparison.Ordinal));
    }

    private static string Mutate(string value, Random random, string alphabet)
    {
        var chars = value.ToCharArray().ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var position = random.Next(chars.Count);
            switch (random.Next(3))
            {
                case 0:
                    chars.RemoveAt(position);
                    break;
                case 1:
                    chars.Insert(position, alphabet[random.Next(alphabet.Length)]);
                    break;
                default:
                    chars[position] = alphabet[random.Next(alphabet.Length)];
                    break;
            }
        }

        return new string([.. chars]);
    }
}
