using System.Globalization;
using System.Text;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Cli;

/// <summary>
/// <c>apiguard sign</c>: signs one request with RFC 9421 (and RFC 9530 Content-Digest for a body) and prints the headers to add,
/// for curl users and for comparing signature bases with a server.
/// </summary>
internal static class SignCommand
{
    public const string Summary = "print RFC 9421 Signature-Input/Signature (and Content-Digest) headers for a request";

    private const string Help = """
        usage: apiguard sign --url <url> --key-id <id> --alg <alg> --key <file> [options]

          --url <url>             absolute request URL (what the client sends, e.g. http://127.0.0.1:5080/api/signed/echo)
          --method <method>       request method (default: GET, or POST when a body is given)
          --body <text>           request body; --body-file <path> reads a file, --body-file - reads stdin
          --content-type <type>   Content-Type of the body (default: application/json)
          --key-id <id>           keyid, e.g. test-key-ed25519
          --alg <alg>             hmac-sha256, ed25519, ecdsa-p256-sha256, ecdsa-p384-sha384, rsa-pss-sha512, rsa-v1_5-sha256
          --key <file>            private key: PEM or JWK file; for hmac-sha256 a file holding the base64 secret
          --component <c>         covered component (repeatable; default: @method @target-uri [content-digest content-type])
          --header "Name: value"  an extra request header to send and possibly cover (repeatable)
          --label <label>         signature label (default: sig1)
          --created <unix-time>   created value (default: now)
          --expires-in <seconds>  add expires = created + seconds
          --tag <tag>             add a tag parameter
          --no-nonce              do not add a nonce
          --digest <alg>          sha-256 (default) or sha-512
          --format <f>            headers (default: one "Name: value" per line) or curl (-H '...' arguments on one line)
          --show-base             also print the signature base to stderr

        """;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var components = new List<string>();
        var headers = new List<string>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    await stdout.WriteAsync(Help).ConfigureAwait(false);
                    return CliApp.Ok;
                case "--no-nonce" or "--show-base":
                    flags.Add(arg);
                    continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return await UsageAsync(stderr, $"unexpected argument '{arg}'").ConfigureAwait(false);
            }

            var value = args[++i];
            switch (arg)
            {
                case "--component":
                    components.Add(value);
                    break;
                case "--header":
                    headers.Add(value);
                    break;
                case "--url" or "--method" or "--body" or "--body-file" or "--content-type" or "--key-id" or "--alg" or "--key" or "--label"
                    or "--created" or "--expires-in" or "--tag" or "--digest" or "--format":
                    options[arg] = value;
                    break;
                default:
                    return await UsageAsync(stderr, $"unknown option '{arg}'").ConfigureAwait(false);
            }
        }

        foreach (var required in new[] { "--url", "--key-id", "--alg", "--key" })
        {
            if (!options.ContainsKey(required))
            {
                return await UsageAsync(stderr, $"{required} is required").ConfigureAwait(false);
            }
        }

        if (!Uri.TryCreate(options["--url"], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return await UsageAsync(stderr, "--url must be an absolute http or https URL").ConfigureAwait(false);
        }

        var format = options.GetValueOrDefault("--format", "headers");
        if (format is not ("headers" or "curl"))
        {
            return await UsageAsync(stderr, "--format must be headers or curl").ConfigureAwait(false);
        }

        string? body = options.GetValueOrDefault("--body");
        SignatureKey key;
        try
        {
            if (options.TryGetValue("--body-file", out var bodyFile))
            {
                body = bodyFile == "-" ? await stdin.ReadToEndAsync().ConfigureAwait(false) : await File.ReadAllTextAsync(bodyFile).ConfigureAwait(false);
            }

            key = LoadKey(options["--key-id"], options["--alg"], await File.ReadAllTextAsync(options["--key"]).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException or System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            await stderr.WriteLineAsync($"apiguard sign: {ex.Message}").ConfigureAwait(false);
            return CliApp.BadInput;
        }

        using (key)
        {
            var time = TimeProvider.System;
            if (options.TryGetValue("--created", out var createdText))
            {
                if (!long.TryParse(createdText, NumberStyles.None, CultureInfo.InvariantCulture, out var created))
                {
                    return await UsageAsync(stderr, "--created must be a unix time in seconds").ConfigureAwait(false);
                }

                time = new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(created));
            }

            var signing = new SigningOptions
            {
                Key = key,
                Label = options.GetValueOrDefault("--label", "sig1"),
                IncludeNonce = !flags.Contains("--no-nonce"),
                DigestAlgorithm = options.GetValueOrDefault("--digest", ContentDigest.Sha256),
                Tag = options.GetValueOrDefault("--tag"),
            };
            if (options.TryGetValue("--expires-in", out var expiresText))
            {
                if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                {
                    return await UsageAsync(stderr, "--expires-in must be a positive number of seconds").ConfigureAwait(false);
                }

                signing.ExpiresAfter = TimeSpan.FromSeconds(seconds);
            }

            foreach (var component in components)
            {
                signing.Components.Add(component);
            }

            using var request = new HttpRequestMessage(new HttpMethod(options.GetValueOrDefault("--method", body is null ? "GET" : "POST")), url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation("Content-Type", options.GetValueOrDefault("--content-type", "application/json"));
            }

            foreach (var header in headers)
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || !(request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim()) ||
                    (request.Content?.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim()) ?? false)))
                {
                    return await UsageAsync(stderr, $"--header '{header}' is not 'Name: value'").ConfigureAwait(false);
                }
            }

            SignatureResult result;
            try
            {
                result = await new RequestSigner(signing, time).SignAsync(request).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                await stderr.WriteLineAsync($"apiguard sign: {ex.Message}").ConfigureAwait(false);
                return CliApp.BadInput;
            }

            if (flags.Contains("--show-base"))
            {
                await stderr.WriteLineAsync(MessageSignature.ToText(result.SignatureBase.Span)).ConfigureAwait(false);
            }

            var lines = new List<(string Name, string Value)>();
            if (result.ContentDigest is not null)
            {
                lines.Add(("Content-Digest", result.ContentDigest));
            }

            lines.Add(("Signature-Input", result.SignatureInput));
            lines.Add(("Signature", result.Signature));
            if (format == "curl")
            {
                await stdout.WriteLineAsync(string.Join(' ', lines.Select(l => $"-H '{l.Name}: {l.Value.Replace("'", "'\\''", StringComparison.Ordinal)}'"))).ConfigureAwait(false);
            }
            else
            {
                foreach (var (name, value) in lines)
                {
                    await stdout.WriteLineAsync($"{name}: {value}").ConfigureAwait(false);
                }
            }

            return CliApp.Ok;
        }
    }

    internal static SignatureKey LoadKey(string keyId, string algorithm, string text)
    {
        if (algorithm == SignatureAlgorithms.HmacSha256)
        {
            return text.TrimStart().StartsWith('{')
                ? SignatureKey.FromJwk(keyId, algorithm, text)
                : SignatureKey.FromSharedSecret(keyId, Convert.FromBase64String(text.Trim()));
        }

        return text.TrimStart().StartsWith('{') ? SignatureKey.FromJwk(keyId, algorithm, text) : SignatureKey.FromPem(keyId, algorithm, text);
    }

    private static async Task<int> UsageAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"apiguard sign: {message}. Run 'apiguard sign --help'.").ConfigureAwait(false);
        return CliApp.Usage;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
