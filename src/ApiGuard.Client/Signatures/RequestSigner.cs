using System.Security.Cryptography;
using System.Text;
using ApiGuard.Client.Signatures.StructuredFields;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGuard.Client.Signatures;

/// <summary>The headers a signature adds to a request.</summary>
public sealed class SignatureResult
{
    internal SignatureResult(string label, string signatureInput, string signature, byte[] signatureBase, string? contentDigest)
    {
        Label = label;
        SignatureInput = signatureInput;
        Signature = signature;
        SignatureBase = signatureBase;
        ContentDigest = contentDigest;
    }

    /// <summary>The label.</summary>
    public string Label { get; }

    /// <summary>The <c>Signature-Input</c> field value (<c>label=(…);created=…</c>).</summary>
    public string SignatureInput { get; }

    /// <summary>The <c>Signature</c> field value (<c>label=:base64:</c>).</summary>
    public string Signature { get; }

    /// <summary>The signature base that was signed (for debugging; it never contains the key).</summary>
    public ReadOnlyMemory<byte> SignatureBase { get; }

    /// <summary>The <c>Content-Digest</c> field value added, if any.</summary>
    public string? ContentDigest { get; }
}

/// <summary>What a server asked for in <c>Accept-Signature</c> (RFC 9421 §5.1).</summary>
internal sealed record AcceptSignatureRequest(string Label, IReadOnlyList<string> Components, bool Created, string? Nonce, bool NonceWanted, string? Tag)
{
    public static AcceptSignatureRequest? TryParse(string? fieldValue)
    {
        if (fieldValue is null || !StructuredFieldParser.TryParseDictionary(fieldValue, out var dictionary) || dictionary.Count == 0)
        {
            return null;
        }

        var (label, member) = dictionary[0];
        if (member is not SfInnerList list)
        {
            return null;
        }

        var components = new List<string>(list.Items.Count);
        foreach (var item in list.Items)
        {
            if (item.Value.Kind != SfKind.String)
            {
                return null;
            }

            components.Add(StructuredFieldSerializer.Serialize(item));
        }

        string? nonce = null;
        var nonceWanted = false;
        var created = false;
        string? tag = null;
        foreach (var (key, value) in list.Parameters)
        {
            switch (key)
            {
                case "created":
                    created = value.Kind != SfKind.Boolean || value.Boolean;
                    break;
                case "nonce" when value.Kind == SfKind.String:
                    nonce = value.Text;
                    nonceWanted = true;
                    break;
                case "nonce":
                    nonceWanted = value.Kind != SfKind.Boolean || value.Boolean;
                    break;
                case "tag" when value.Kind == SfKind.String:
                    tag = value.Text;
                    break;
            }
        }

        return new AcceptSignatureRequest(label, components, created, nonce, nonceWanted, tag);
    }
}

/// <summary>
/// Signs <see cref="HttpRequestMessage"/>s with RFC 9421: adds <c>Content-Digest</c> (RFC 9530) for bodies, then
/// <c>Signature-Input</c> and <c>Signature</c> with <c>created</c>, <c>nonce</c> and <c>keyid</c>. The signature base is logged at
/// Debug (never the key), so it can be compared with the server's. Thread-safe.
/// </summary>
public sealed partial class RequestSigner
{
    private readonly SigningOptions _options;
    private readonly SignatureKey _key;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the signer.</summary>
    /// <exception cref="ArgumentException">No key, a key that cannot sign, or an unsupported digest algorithm.</exception>
    public RequestSigner(SigningOptions options, TimeProvider? timeProvider = null, ILogger<RequestSigner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = options.Key ?? throw new ArgumentException("SigningOptions.Key is required.", nameof(options));
        if (!_key.CanSign)
        {
            throw new ArgumentException($"Key '{_key.KeyId}' has no private part and cannot sign.", nameof(options));
        }

        if (options.DigestAlgorithm is not null && !ContentDigest.IsSupported(options.DigestAlgorithm))
        {
            throw new ArgumentException($"Unsupported digest algorithm '{options.DigestAlgorithm}'. Allowed: sha-256, sha-512.", nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Signs <paramref name="request"/> in place (replacing an earlier signature with the same label).</summary>
    public Task<SignatureResult> SignAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        SignAsync(request, null, cancellationToken);

    internal async Task<SignatureResult> SignAsync(HttpRequestMessage request, AcceptSignatureRequest? asked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = request.Content;
        var wantsDigest = asked is null
            ? content is not null && _options.DigestAlgorithm is not null && (_options.Components.Count == 0 || _options.Components.Any(IsContentDigest))
            : asked.Components.Any(IsContentDigest);
        string? digest = null;
        request.Headers.Remove(ContentDigest.FieldName);
        content?.Headers.Remove(ContentDigest.FieldName);
        if (wantsDigest)
        {
            digest = await ContentDigest.CreateAsync(_options.DigestAlgorithm ?? ContentDigest.Sha256, content, cancellationToken).ConfigureAwait(false);
            request.Headers.TryAddWithoutValidation(ContentDigest.FieldName, digest);
        }
        else if (content is not null)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var message = new HttpRequestMessageComponents(request);
        List<string> components;
        if (asked is not null)
        {
            components = [.. asked.Components];
        }
        else if (_options.Components.Count > 0)
        {
            components = [.. _options.Components];
        }
        else
        {
            components = ["@method", "@target-uri"];
            if (content is not null)
            {
                components.Add("content-digest");
                components.Add("content-type");
            }
        }

        // Skip fields the request does not carry (a signature cannot cover an absent field), unless the server asked for them.
        if (asked is null)
        {
            components.RemoveAll(c => IsAbsentField(message, c));
        }

        var label = asked?.Label ?? _options.Label;
        var includeCreated = _options.IncludeCreated || (asked?.Created ?? false);
        var nonce = asked?.Nonce ?? ((_options.IncludeNonce || (asked?.NonceWanted ?? false)) ? NewNonce() : null);
        var result = Sign(message, label, components, includeCreated, nonce, asked?.Tag ?? _options.Tag, digest);

        request.Headers.Remove("Signature-Input");
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature-Input", result.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", result.Signature);
        return result;
    }

    /// <summary>Signs any message view with explicit components and parameters (used by the CLI and tests).</summary>
    internal SignatureResult Sign(HttpMessageComponents message, string label, IReadOnlyList<string> components, bool includeCreated, string? nonce, string? tag, string? digest)
    {
        var sb = new StringBuilder();
        sb.Append('(');
        for (var i = 0; i < components.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            sb.Append(ToIdentifier(components[i]));
        }

        sb.Append(')');
        var created = _time.GetUtcNow().ToUnixTimeSeconds();
        var parameters = new SfParameters();
        if (includeCreated)
        {
            parameters.Set("created", SfBareItem.FromInteger(created));
        }

        if (_options.ExpiresAfter is { } expires)
        {
            parameters.Set("expires", SfBareItem.FromInteger(created + (long)expires.TotalSeconds));
        }

        if (nonce is not null)
        {
            parameters.Set("nonce", SfBareItem.FromString(nonce));
        }

        parameters.Set("keyid", SfBareItem.FromString(_key.KeyId));
        if (_options.IncludeAlgorithm)
        {
            parameters.Set("alg", SfBareItem.FromString(_key.Algorithm));
        }

        if (tag is not null)
        {
            parameters.Set("tag", SfBareItem.FromString(tag));
        }

        StructuredFieldSerializer.WriteParameters(sb, parameters);
        var memberValue = sb.ToString();

        var member = SignatureInputMember.Rent();
        var buffer = new PooledByteBuffer(1024);
        try
        {
            if (member.TryParse(memberValue, 0, memberValue.Length, MessageSignature.MaxComponents) is { } error)
            {
                throw new ArgumentException($"Invalid covered components: {error}", nameof(components));
            }

            if (!SignatureBaseBuilder.TryBuild(message, member, ref buffer, out var check, out var reason))
            {
                throw new ArgumentException($"Cannot build the signature base ({check}): {reason}", nameof(components));
            }

            var signatureBase = buffer.ToArray();
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.SignatureBase(_logger, label, MessageSignature.ToText(signatureBase));
            }

            var signature = _key.Sign(signatureBase);
            return new SignatureResult(
                label,
                string.Concat(label, "=", memberValue),
                string.Concat(label, "=:", Convert.ToBase64String(signature), ":"),
                signatureBase,
                digest);
        }
        finally
        {
            buffer.Dispose();
            SignatureInputMember.Return(member);
        }
    }

    internal static string ToIdentifier(string component)
    {
        if (component.StartsWith('"'))
        {
            return component;
        }

        var semicolon = component.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0
            ? string.Concat("\"", component, "\"")
            : string.Concat("\"", component.AsSpan(0, semicolon), "\"", component.AsSpan(semicolon));
    }

    private static bool IsContentDigest(string component) => ToIdentifier(component).StartsWith("\"content-digest\"", StringComparison.Ordinal);

    private static bool IsAbsentField(HttpMessageComponents message, string component)
    {
        var identifier = ToIdentifier(component);
        var end = identifier.IndexOf('"', 1);
        var name = identifier[1..end];
        return !name.StartsWith('@') && !identifier.Contains(";req", StringComparison.Ordinal) && !message.TryGetField(name, out _);
    }

    private static string NewNonce()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static partial class Log
    {
        [LoggerMessage(3500, LogLevel.Debug, "Client signature base for label {Label}:\n{SignatureBase}", EventName = "ClientSignatureBase")]
        public static partial void SignatureBase(ILogger logger, string label, string signatureBase);

        [LoggerMessage(3501, LogLevel.Debug, "The server answered 401 with Accept-Signature; re-signing once as asked (label {Label}).", EventName = "ClientResigning")]
        public static partial void Resigning(ILogger logger, string label);
    }

    internal void LogResigning(string label) => Log.Resigning(_logger, label);
}
