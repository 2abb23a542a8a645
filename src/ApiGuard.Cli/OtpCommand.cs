using System.Globalization;
using ApiGuard.Authentication.Otp;

namespace ApiGuard.Cli;

/// <summary>
/// <c>apiguard otp</c>: prints the current TOTP (or an HOTP) code for a Base32 secret, or makes a new secret and its
/// <c>otpauth://</c> URI. For trying OTP step-up with curl; codes are computed with Otp.NET like the server does.
/// </summary>
internal static class OtpCommand
{
    public const string Summary = "print a TOTP/HOTP code for a Base32 secret, or make a new secret and its otpauth:// URI";

    private const string Help = """
        usage: apiguard otp code --secret <base32> [--algorithm sha1|sha256|sha512] [--digits 6] [--period 30] [--counter <n>] [--time <unix>]
               apiguard otp new [--account <name>] [--issuer <name>] [--algorithm sha1|sha256|sha512] [--digits 6] [--period 30] [--hotp]

          code   prints the code for now (or --time), or the HOTP code for --counter
          new    prints "secret: <base32>" and "uri: otpauth://..." (show once; never log them)

        """;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            await stdout.WriteAsync(Help).ConfigureAwait(false);
            return args.Length == 0 ? CliApp.Usage : CliApp.Ok;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var hotp = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--hotp")
            {
                hotp = true;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return await UsageAsync(stderr, $"unexpected argument '{args[i]}'").ConfigureAwait(false);
            }

            options[args[i][2..]] = args[++i];
        }

        if (!TryParseAlgorithm(options.GetValueOrDefault("algorithm", "sha1"), out var algorithm) ||
            !int.TryParse(options.GetValueOrDefault("digits", "6"), NumberStyles.None, CultureInfo.InvariantCulture, out var digits) || digits is < 6 or > 8 ||
            !int.TryParse(options.GetValueOrDefault("period", "30"), NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period is < 1 or > 300)
        {
            return await UsageAsync(stderr, "--algorithm must be sha1, sha256 or sha512; --digits 6 to 8; --period 1 to 300").ConfigureAwait(false);
        }

        switch (args[0])
        {
            case "code":
            {
                if (!options.TryGetValue("secret", out var base32))
                {
                    return await UsageAsync(stderr, "--secret is required").ConfigureAwait(false);
                }

                OtpSecret secret;
                try
                {
                    secret = OtpSecret.FromBase32(base32, OtpKind.Totp, algorithm, digits, period);
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException)
                {
                    await stderr.WriteLineAsync("apiguard otp: --secret is not a Base32 key of 10 to 128 bytes.").ConfigureAwait(false);
                    return CliApp.BadInput;
                }

                string code;
                if (options.TryGetValue("counter", out var counterText))
                {
                    if (!long.TryParse(counterText, NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
                    {
                        return await UsageAsync(stderr, "--counter must be a non-negative integer").ConfigureAwait(false);
                    }

                    code = OtpCodes.Compute(secret, counter);
                }
                else
                {
                    var time = TimeProvider.System.GetUtcNow();
                    if (options.TryGetValue("time", out var timeText))
                    {
                        if (!long.TryParse(timeText, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
                        {
                            return await UsageAsync(stderr, "--time must be Unix seconds").ConfigureAwait(false);
                        }

                        time = DateTimeOffset.FromUnixTimeSeconds(unix);
                    }

                    code = OtpCodes.ComputeTotp(secret, time);
                }

                await stdout.WriteLineAsync(code).ConfigureAwait(false);
                return CliApp.Ok;
            }

            case "new":
            {
                var secret = OtpEnrollment.CreateSecret(hotp ? OtpKind.Hotp : OtpKind.Totp, algorithm, digits, period);
                await stdout.WriteLineAsync("secret: " + secret.ToBase32()).ConfigureAwait(false);
                await stdout.WriteLineAsync("uri: " + OtpEnrollment.GetUri(secret, options.GetValueOrDefault("account", "client"), options.GetValueOrDefault("issuer", "ApiGuard"))).ConfigureAwait(false);
                return CliApp.Ok;
            }

            default:
                return await UsageAsync(stderr, $"unknown subcommand '{args[0]}' (use code or new)").ConfigureAwait(false);
        }
    }

    private static bool TryParseAlgorithm(string value, out OtpAlgorithm algorithm)
    {
        algorithm = value.ToUpperInvariant() switch
        {
            "SHA1" or "SHA-1" => OtpAlgorithm.Sha1,
            "SHA256" or "SHA-256" => OtpAlgorithm.Sha256,
            "SHA512" or "SHA-512" => OtpAlgorithm.Sha512,
            _ => (OtpAlgorithm)(-1),
        };
        return Enum.IsDefined(algorithm);
    }

    private static async Task<int> UsageAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync("apiguard otp: " + message + ". Run 'apiguard otp --help'.").ConfigureAwait(false);
        return CliApp.Usage;
    }
}
