using System.Collections.Frozen;
using ApiGuard.Client.Signatures;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Signatures;

/// <summary>
/// The default <see cref="ISignatureKeyResolver"/>: the keys of <see cref="SignatureKeyStoreOptions"/> (configuration and code),
/// parsed once into a frozen dictionary and rebuilt when the options change.
/// </summary>
public sealed class ConfigurationSignatureKeyResolver : ISignatureKeyResolver, IDisposable
{
    private readonly string? _contentRoot;
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, SignatureClientKey> _keys;

    /// <summary>Creates the resolver.</summary>
    /// <exception cref="InvalidOperationException">A configured key cannot be loaded.</exception>
    public ConfigurationSignatureKeyResolver(IOptionsMonitor<SignatureKeyStoreOptions> options, IHostEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _contentRoot = environment?.ContentRootPath;
        _keys = Build(options.CurrentValue, _contentRoot);
        _subscription = options.OnChange(o => _keys = Build(o, _contentRoot));
    }

    /// <summary>The number of keys loaded.</summary>
    public int Count => _keys.Count;

    /// <inheritdoc />
    public ValueTask<SignatureClientKey?> ResolveAsync(string keyId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.TryGetValue(keyId, out var key) ? key : null);

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    internal static FrozenDictionary<string, SignatureClientKey> Build(SignatureKeyStoreOptions options, string? contentRoot)
    {
        var keys = new Dictionary<string, SignatureClientKey>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = Load(options.Keys[i], i, contentRoot, out var error);
            if (key is null)
            {
                throw new InvalidOperationException(error);
            }

            keys[key.Key.KeyId] = key;
        }

        foreach (var key in options.ClientKeys)
        {
            keys[key.Key.KeyId] = key;
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal static SignatureClientKey? Load(SignatureKeyOptions o, int index, string? contentRoot, out string? error)
    {
        var prefix = $"ApiGuard:Signatures:Keys:{index}:";
        error = null;
        if (string.IsNullOrEmpty(o.KeyId))
        {
            error = $"{prefix}KeyId is required.";
            return null;
        }

        if (string.IsNullOrEmpty(o.ClientId))
        {
            error = $"{prefix}ClientId is required (key '{o.KeyId}').";
            return null;
        }

        if (!SignatureAlgorithms.IsSupported(o.Algorithm))
        {
            error = $"{prefix}Algorithm must be one of {string.Join(", ", SignatureAlgorithms.All)} (was '{o.Algorithm}').";
            return null;
        }

        var sources = new[] { o.Pem, o.PemFile, o.Jwk, o.JwkFile, o.Secret, o.SecretFile }.Count(s => !string.IsNullOrEmpty(s));
        if (sources != 1)
        {
            error = $"{prefix}: exactly one of Pem, PemFile, Jwk, JwkFile, Secret or SecretFile is required (key '{o.KeyId}').";
            return null;
        }

        string field = "Pem";
        try
        {
            SignatureKey key;
            if (!string.IsNullOrEmpty(o.Secret) || !string.IsNullOrEmpty(o.SecretFile))
            {
                field = string.IsNullOrEmpty(o.Secret) ? "SecretFile" : "Secret";
                if (o.Algorithm != SignatureAlgorithms.HmacSha256)
                {
                    error = $"{prefix}{field} applies to hmac-sha256 keys only (key '{o.KeyId}' is {o.Algorithm}).";
                    return null;
                }

                var text = o.Secret ?? File.ReadAllText(ResolvePath(o.SecretFile!, contentRoot));
                key = SignatureKey.FromSharedSecret(o.KeyId, Convert.FromBase64String(text.Trim()));
            }
            else if (!string.IsNullOrEmpty(o.Jwk) || !string.IsNullOrEmpty(o.JwkFile))
            {
                field = string.IsNullOrEmpty(o.Jwk) ? "JwkFile" : "Jwk";
                key = SignatureKey.FromJwk(o.KeyId, o.Algorithm!, o.Jwk ?? File.ReadAllText(ResolvePath(o.JwkFile!, contentRoot)));
            }
            else
            {
                field = string.IsNullOrEmpty(o.Pem) ? "PemFile" : "Pem";
                key = SignatureKey.FromPem(o.KeyId, o.Algorithm!, o.Pem ?? File.ReadAllText(ResolvePath(o.PemFile!, contentRoot)));
            }

            return new SignatureClientKey(key, o.ClientId, o.Scopes) { NotBefore = o.NotBefore, NotAfter = o.NotAfter };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            // ArgumentException messages are ApiGuard's own (curve or key type mismatch) and never hold key material.
            var why = ex is ArgumentException ? ex.Message : ex.GetType().Name;
            error = $"{prefix}{field} does not hold a valid {o.Algorithm} key for '{o.KeyId}': {why}";
            return null;
        }
    }

    private static string ResolvePath(string path, string? contentRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        if (contentRoot is not null && File.Exists(Path.Combine(contentRoot, path)))
        {
            return Path.Combine(contentRoot, path);
        }

        return Path.Combine(AppContext.BaseDirectory, path);
    }
}

/// <summary>Validates <see cref="SignatureKeyStoreOptions"/> at startup by loading every key.</summary>
internal sealed class SignatureKeyStoreOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<SignatureKeyStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SignatureKeyStoreOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            using var key = ConfigurationSignatureKeyResolver.Load(options.Keys[i], i, environment?.ContentRootPath, out var error)?.Key;
            if (error is not null)
            {
                errors.Add(error);
            }
            else if (!seen.Add(options.Keys[i].KeyId!))
            {
                errors.Add($"ApiGuard:Signatures:Keys:{i}:KeyId '{options.Keys[i].KeyId}' is used by another key; key ids must be unique.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Validates <see cref="SignatureAuthenticationOptions"/> at startup.</summary>
internal sealed class SignatureAuthenticationOptionsValidator : IValidateOptions<SignatureAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, SignatureAuthenticationOptions options)
    {
        var errors = options.GetErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
