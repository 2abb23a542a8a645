using System.Globalization;
using System.Security.Cryptography;
using ApiGuard.Replay;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Otp;

/// <summary>The outcome of checking a one-time password.</summary>
public enum OtpVerificationResult
{
    /// <summary>The code is valid and has now been used.</summary>
    Valid = 0,

    /// <summary>The code is wrong, malformed, or the subject has no secret (indistinguishable on purpose).</summary>
    Invalid = 1,

    /// <summary>The code was right but had already been used.</summary>
    Replayed = 2,
}

/// <summary>Checks one-time passwords for a subject. Applications may use it directly (for example in a login flow).</summary>
public interface IOtpVerifier
{
    /// <summary>
    /// Checks <paramref name="code"/> for <paramref name="subject"/> and, when it is valid, marks it used so it is never accepted again.
    /// </summary>
    /// <exception cref="ApiGuardStoreUnavailableException">The secret or replay store cannot answer.</exception>
    ValueTask<OtpVerificationResult> VerifyAsync(string subject, string? code, CancellationToken cancellationToken = default);
}

/// <summary>
/// The default <see cref="IOtpVerifier"/>. TOTP accepts the current step plus <see cref="OtpOptions.DriftSteps"/> on each side;
/// HOTP accepts the expected counter plus <see cref="OtpOptions.HotpLookAhead"/>. Codes are computed with Otp.NET and compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/> against every candidate, without stopping at the first match.
/// A used code is recorded in the shared <see cref="IReplayStore"/> under (subject, step or counter), and the subject's counter in
/// <see cref="IOtpSecretStore"/> (the next HOTP counter, or the TOTP step after the last one used) only moves forward, so a
/// TOTP step at or below the last used one is refused as <see cref="OtpVerificationResult.Replayed"/> (RFC 6238 §5.2).
/// </summary>
public sealed class OtpVerifier : IOtpVerifier
{
    private static readonly OtpSecret s_decoy = OtpEnrollment.CreateSecret();
    private readonly IOtpSecretStore _store;
    private readonly IReplayStore _replay;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<OtpOptions> _options;
    private readonly OtpConfiguredSecrets _configured;

    /// <summary>Creates the verifier.</summary>
    public OtpVerifier(IOtpSecretStore store, IReplayStore replay, TimeProvider time, IOptionsMonitor<OtpOptions> options)
    {
        _store = store;
        _replay = replay;
        _time = time;
        _options = options;
        _configured = new OtpConfiguredSecrets(options);
    }

    /// <inheritdoc />
    public async ValueTask<OtpVerificationResult> VerifyAsync(string subject, string? code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var secret = await _store.GetAsync(subject, cancellationToken).ConfigureAwait(false) ?? _configured.Get(subject);
        var wellFormed = IsWellFormed(code, secret?.Digits ?? 6);
        if (secret is null || !wellFormed)
        {
            // Same work as a real check, so timing does not tell whether the subject has a secret.
            _ = MatchTotp(s_decoy, code ?? string.Empty, OtpCodes.GetTimeStep(_time.GetUtcNow(), 30), _options.CurrentValue.DriftSteps);
            return OtpVerificationResult.Invalid;
        }

        var options = _options.CurrentValue;
        return secret.Kind == OtpKind.Hotp
            ? await VerifyHotpAsync(subject, secret, code!, options, cancellationToken).ConfigureAwait(false)
            : await VerifyTotpAsync(subject, secret, code!, options, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<OtpVerificationResult> VerifyTotpAsync(string subject, OtpSecret secret, string code, OtpOptions options, CancellationToken cancellationToken)
    {
        var step = OtpCodes.GetTimeStep(_time.GetUtcNow(), secret.Period);
        var matched = MatchTotp(secret, code, step, options.DriftSteps);
        if (matched < 0)
        {
            return OtpVerificationResult.Invalid;
        }

        // Long enough to outlive every window in which this step's code could still be accepted.
        var ttl = TimeSpan.FromSeconds(secret.Period * ((2L * options.DriftSteps) + 2));
        var key = string.Concat(subject, ":t:", matched.ToString(CultureInfo.InvariantCulture));
        if (!await _replay.TryReserveAsync(OtpDefaults.ReplayScope, key, ttl, cancellationToken).ConfigureAwait(false))
        {
            return OtpVerificationResult.Replayed;
        }

        // RFC 6238 §5.2: once a step has been used, no code of that step or an earlier one is accepted (the drift window
        // would otherwise take an older, unused code after a newer one). The store keeps the step after the last one used.
        return await _store.TryAdvanceCounterAsync(subject, matched + 1, cancellationToken).ConfigureAwait(false)
            ? OtpVerificationResult.Valid
            : OtpVerificationResult.Replayed;
    }

    private async ValueTask<OtpVerificationResult> VerifyHotpAsync(string subject, OtpSecret secret, string code, OtpOptions options, CancellationToken cancellationToken)
    {
        var expected = await _store.GetCounterAsync(subject, cancellationToken).ConfigureAwait(false) ?? secret.Counter;
        var matched = -1L;
        for (var c = expected; c <= expected + options.HotpLookAhead; c++)
        {
            if (OtpCodes.FixedTimeEquals(OtpCodes.Compute(secret, c), code) && matched < 0)
            {
                matched = c;
            }
        }

        if (matched < 0)
        {
            return OtpVerificationResult.Invalid;
        }

        var key = string.Concat(subject, ":h:", matched.ToString(CultureInfo.InvariantCulture));
        if (!await _replay.TryReserveAsync(OtpDefaults.ReplayScope, key, TimeSpan.FromDays(1), cancellationToken).ConfigureAwait(false))
        {
            return OtpVerificationResult.Replayed;
        }

        return await _store.TryAdvanceCounterAsync(subject, matched + 1, cancellationToken).ConfigureAwait(false)
            ? OtpVerificationResult.Valid
            : OtpVerificationResult.Replayed;
    }

    /// <summary>The matched time step, or -1. Every candidate is computed and compared.</summary>
    private static long MatchTotp(OtpSecret secret, string code, long step, int drift)
    {
        var matched = -1L;
        for (var s = step - drift; s <= step + drift; s++)
        {
            if (s < 0)
            {
                continue;
            }

            if (OtpCodes.FixedTimeEquals(OtpCodes.Compute(secret, s), code) && matched < 0)
            {
                matched = s;
            }
        }

        return matched;
    }

    private static bool IsWellFormed(string? code, int digits)
    {
        if (code is null || code.Length != digits)
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The secrets from <see cref="OtpOptions.Secrets"/>, parsed once per options change.</summary>
internal sealed class OtpConfiguredSecrets
{
    private readonly IOptionsMonitor<OtpOptions> _options;
    private OtpOptions? _parsedFrom;
    private Dictionary<string, OtpSecret> _secrets = new(StringComparer.Ordinal);

    public OtpConfiguredSecrets(IOptionsMonitor<OtpOptions> options)
    {
        _options = options;
    }

    public OtpSecret? Get(string subject)
    {
        var current = _options.CurrentValue;
        if (!ReferenceEquals(current, _parsedFrom))
        {
            var parsed = new Dictionary<string, OtpSecret>(StringComparer.Ordinal);
            foreach (var (name, secret) in current.Secrets)
            {
                parsed[name] = secret.ToSecret();
            }

            _secrets = parsed;
            _parsedFrom = current;
        }

        return _secrets.GetValueOrDefault(subject);
    }
}
