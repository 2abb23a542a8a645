using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Otp;

/// <summary>Validates <see cref="OtpOptions"/> at startup; each failure names the key and what is allowed.</summary>
internal sealed class OtpOptionsValidator : IValidateOptions<OtpOptions>
{
    public ValidateOptionsResult Validate(string? name, OtpOptions options)
    {
        const string p = "ApiGuard:Otp";
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HeaderName) || options.HeaderName.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            failures.Add($"{p}:HeaderName '{options.HeaderName}' is not a header name; use a token such as 'X-ApiGuard-OTP'.");
        }

        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{p}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
        }

        if (options.DriftSteps is < 0 or > 10)
        {
            failures.Add($"{p}:DriftSteps is {options.DriftSteps}; allowed values are 0 to 10.");
        }

        if (options.HotpLookAhead is < 0 or > 1000)
        {
            failures.Add($"{p}:HotpLookAhead is {options.HotpLookAhead}; allowed values are 0 to 1000.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{p}:Issuer is empty; set the name shown in authenticator apps.");
        }

        foreach (var (subject, secret) in options.Secrets)
        {
            var k = $"{p}:Secrets:{subject}";
            if (!Enum.IsDefined(secret.Kind))
            {
                failures.Add($"{k}:Kind has the value '{secret.Kind}'; allowed values are Totp and Hotp.");
            }

            if (!Enum.IsDefined(secret.Algorithm))
            {
                failures.Add($"{k}:Algorithm has the value '{secret.Algorithm}'; allowed values are Sha1, Sha256 and Sha512.");
            }

            if (secret.Digits is < 6 or > 8)
            {
                failures.Add($"{k}:Digits is {secret.Digits}; allowed values are 6 to 8.");
            }

            if (secret.Period is < 1 or > 300)
            {
                failures.Add($"{k}:Period is {secret.Period}; allowed values are 1 to 300 seconds.");
            }

            if (secret.Counter < 0)
            {
                failures.Add($"{k}:Counter is {secret.Counter}; it must not be negative.");
            }

            try
            {
                _ = OtpSecret.FromBase32(secret.Secret);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                failures.Add($"{k}:Secret is not a Base32 key of 10 to 128 bytes (16 to 205 characters A-Z, 2-7).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
