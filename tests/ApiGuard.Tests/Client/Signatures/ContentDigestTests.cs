using System.Text;
using System.Text.Json;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Tests.Client.Signatures;

public sealed class ContentDigestTests
{
    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var v in Document().RootElement.GetProperty("vectors").EnumerateArray())
        {
            data.Add(v.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Create_Rfc9530Vector_MatchesUnlessMarkedWrong(string name)
    {
        var v = Vector(name);
        var content = Encoding.UTF8.GetBytes(v.GetProperty("content_utf8").GetString()!);
        var expected = v.GetProperty("expected_field_value").GetString()!;
        var shouldMatch = !v.TryGetProperty("expected_digest_check", out var check) || check.GetBoolean();

        var actual = ContentDigest.Create(v.GetProperty("algorithm").GetString()!, content);

        Assert.Equal(shouldMatch, actual == expected);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verifier_Rfc9530VectorFedInChunks_ChecksInConstantTime(string name)
    {
        var v = Vector(name);
        var content = Encoding.UTF8.GetBytes(v.GetProperty("content_utf8").GetString()!);
        var shouldMatch = !v.TryGetProperty("expected_digest_check", out var check) || check.GetBoolean();
        using var verifier = ContentDigestVerifier.TryCreate(v.GetProperty("expected_field_value").GetString()!);
        Assert.NotNull(verifier);

        for (var i = 0; i < content.Length; i += 5)
        {
            verifier.Append(content.AsSpan(i, Math.Min(5, content.Length - i)));
        }

        Assert.Equal(shouldMatch, verifier.Verify());
    }

    [Fact]
    public void TryParse_MultiMemberExample_ParsesBothAlgorithms()
    {
        var value = Document().RootElement.GetProperty("multi_value_example").GetProperty("value").GetString()!;

        Assert.True(ContentDigest.TryParse(value, out var digests));

        Assert.Equal(["sha-256", "sha-512"], digests.Select(d => d.Key));
        Assert.Equal(32, digests[0].Value.Length);
        Assert.Equal(64, digests[1].Value.Length);
    }

    [Theory]
    [InlineData("unixsum=:AAAA:")]
    [InlineData("sha-256=abc")]
    [InlineData("sha-256=:not base64:")]
    [InlineData("")]
    public void TryCreate_NoUsableDigest_ReturnsNull(string value)
    {
        Assert.Null(ContentDigestVerifier.TryCreate(value));
    }

    [Fact]
    public async Task CreateAsync_HttpContent_MatchesOneShotAndStaysReadable()
    {
        using var content = new StringContent("{\"hello\": \"world\"}");

        var digest = await ContentDigest.CreateAsync(ContentDigest.Sha512, content);

        Assert.Equal("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", digest);
        Assert.Equal("{\"hello\": \"world\"}", await content.ReadAsStringAsync());
    }

    private static JsonDocument Document() => JsonDocument.Parse(File.ReadAllText(TestPaths.Vector("rfc9530", "content-digest.json")));

    private static JsonElement Vector(string name) =>
        Document().RootElement.GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name).Clone();
}
