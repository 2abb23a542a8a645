using System.Security.Cryptography;
using ApiGuard.Client.Signatures.StructuredFields;

namespace ApiGuard.Client.Signatures;

/// <summary>RFC 9530 <c>Content-Digest</c>: <c>sha-256</c> and <c>sha-512</c> over the message content.</summary>
public static class ContentDigest
{
    /// <summary>The field name.</summary>
    public const string FieldName = "Content-Digest";

    /// <summary>The <c>sha-256</c> algorithm key.</summary>
    public const string Sha256 = "sha-256";

    /// <summary>The <c>sha-512</c> algorithm key.</summary>
    public const string Sha512 = "sha-512";

    /// <summary>Whether <paramref name="algorithm"/> is <c>sha-256</c> or <c>sha-512</c>.</summary>
    public static bool IsSupported(string? algorithm) => algorithm is Sha256 or Sha512;

    /// <summary>The field value (for example <c>sha-256=:…:</c>) for <paramref name="content"/>.</summary>
    /// <exception cref="ArgumentException">The algorithm is not supported.</exception>
    public static string Create(string algorithm, ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[64];
        var n = algorithm switch
        {
            Sha256 => SHA256.HashData(content, hash),
            Sha512 => SHA512.HashData(content, hash),
            _ => throw new ArgumentException($"Unsupported digest algorithm '{algorithm}'. Allowed: sha-256, sha-512.", nameof(algorithm)),
        };
        return Format(algorithm, hash[..n]);
    }

    /// <summary>The field value for an <see cref="HttpContent"/>, hashed as it is copied (the content is buffered so it can still be sent).</summary>
    public static async Task<string> CreateAsync(string algorithm, HttpContent? content, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(ToHashName(algorithm));
        if (content is not null)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            await using var sink = new HashingStream(hash);
            await content.CopyToAsync(sink, cancellationToken).ConfigureAwait(false);
        }

        return Format(algorithm, hash.GetHashAndReset());
    }

    /// <summary>Parses a field value into its members (algorithm key and digest bytes). Unknown algorithms are kept.</summary>
    public static bool TryParse(string fieldValue, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<KeyValuePair<string, byte[]>>? digests)
    {
        digests = null;
        if (!StructuredFieldParser.TryParseDictionary(fieldValue, out var dictionary))
        {
            return false;
        }

        var result = new List<KeyValuePair<string, byte[]>>(dictionary.Count);
        foreach (var (key, member) in dictionary)
        {
            if (member is not SfItem { Value.Kind: SfKind.ByteSequence } item)
            {
                return false;
            }

            result.Add(new(key, item.Value.Bytes.ToArray()));
        }

        digests = result;
        return true;
    }

    internal static HashAlgorithmName ToHashName(string algorithm) => algorithm switch
    {
        Sha256 => HashAlgorithmName.SHA256,
        Sha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentException($"Unsupported digest algorithm '{algorithm}'. Allowed: sha-256, sha-512.", nameof(algorithm)),
    };

    private static string Format(string algorithm, ReadOnlySpan<byte> hash) => string.Concat(algorithm, "=:", Convert.ToBase64String(hash), ":");

    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            hash.AppendData(buffer, offset, count);
            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// Checks a <c>Content-Digest</c> field against content fed in chunks as it streams. Every <c>sha-256</c>/<c>sha-512</c>
/// member must match (compared in constant time); unknown algorithms are ignored, but at least one known one is required.
/// </summary>
internal sealed class ContentDigestVerifier : IDisposable
{
    private readonly List<(IncrementalHash Hash, byte[] Expected)> _checks = [];

    private ContentDigestVerifier()
    {
    }

    public static ContentDigestVerifier? TryCreate(string fieldValue)
    {
        if (!ContentDigest.TryParse(fieldValue, out var digests))
        {
            return null;
        }

        var verifier = new ContentDigestVerifier();
        foreach (var (algorithm, digest) in digests)
        {
            if (ContentDigest.IsSupported(algorithm))
            {
                verifier._checks.Add((IncrementalHash.CreateHash(ContentDigest.ToHashName(algorithm)), digest));
            }
        }

        if (verifier._checks.Count == 0)
        {
            verifier.Dispose();
            return null;
        }

        return verifier;
    }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        foreach (var (hash, _) in _checks)
        {
            hash.AppendData(chunk);
        }
    }

    public bool Verify()
    {
        Span<byte> actual = stackalloc byte[64];
        var ok = true;
        foreach (var (hash, expected) in _checks)
        {
            var n = hash.GetHashAndReset(actual);
            ok &= CryptographicOperations.FixedTimeEquals(actual[..n], expected);
        }

        return ok;
    }

    public void Dispose()
    {
        foreach (var (hash, _) in _checks)
        {
            hash.Dispose();
        }
    }
}
