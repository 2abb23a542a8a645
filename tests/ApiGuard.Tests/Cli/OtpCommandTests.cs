using ApiGuard.Authentication.Otp;
using ApiGuard.Cli;
using ApiGuard.Tests.Authentication.Otp;

namespace ApiGuard.Tests.Cli;

public sealed class OtpCommandTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, TextReader.Null, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Code_Rfc6238Sha256VectorTime_PrintsVectorCode()
    {
        using var doc = TestVectors.Load("otp.json");
        var totp = doc.RootElement.GetProperty("totp");
        var vector = totp.GetProperty("vectors").EnumerateArray().First(v => v.GetProperty("mode").GetString() == "SHA256" && v.GetProperty("unix_time").GetInt64() == 1234567890);

        var (code, stdout, _) = await RunAsync("otp", "code", "--secret", totp.GetProperty("secrets").GetProperty("SHA256").GetProperty("base32").GetString()!,
            "--algorithm", "sha256", "--digits", "8", "--time", "1234567890");

        Assert.Equal(CliApp.Ok, code);
        Assert.Equal(vector.GetProperty("totp_8").GetString(), stdout.Trim());
    }

    [Fact]
    public async Task Code_HotpCounter_PrintsRfc4226Code()
    {
        using var doc = TestVectors.Load("otp.json");
        var hotp = doc.RootElement.GetProperty("hotp");

        var (code, stdout, _) = await RunAsync("otp", "code", "--secret", hotp.GetProperty("secret_base32").GetString()!, "--counter", "7");

        Assert.Equal(CliApp.Ok, code);
        Assert.Equal(hotp.GetProperty("vectors")[7].GetProperty("hotp_6").GetString(), stdout.Trim());
    }

    [Fact]
    public async Task New_Account_PrintsSecretAndMatchingUri()
    {
        var (code, stdout, _) = await RunAsync("otp", "new", "--account", "test-shared-secret", "--issuer", "ApiGuard Sample");

        Assert.Equal(CliApp.Ok, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var secret = lines[0]["secret: ".Length..];
        Assert.Equal(20, OtpSecret.FromBase32(secret).Key.Length);
        Assert.Equal("uri: otpauth://totp/ApiGuard%20Sample:test-shared-secret?secret=" + secret + "&issuer=ApiGuard%20Sample&algorithm=SHA1&digits=6&period=30", lines[1]);
    }

    [Theory]
    [InlineData("otp", "code")]
    [InlineData("otp", "code", "--secret", "not base32!")]
    [InlineData("otp", "code", "--secret", "JBSWY3DPEHPK3PXP", "--digits", "9")]
    [InlineData("otp", "frobnicate")]
    public async Task Run_BadArguments_NonZeroWithMessage(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.NotEqual(CliApp.Ok, code);
        Assert.StartsWith("apiguard otp:", stderr, StringComparison.Ordinal);
    }
}
