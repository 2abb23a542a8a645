using System.Text.Json;
using ApiGuard.Authentication.Otp;

namespace ApiGuard.Tests.Authentication.Otp;

public sealed class OtpCodesTests
{
    public static TheoryData<long, string> HotpVectors()
    {
        using var doc = TestVectors.Load("otp.json");
        var data = new TheoryData<long, string>();
        foreach (var v in doc.RootElement.GetProperty("hotp").GetProperty("vectors").EnumerateArray())
        {
            data.Add(v.GetProperty("counter").GetInt64(), v.GetProperty("hotp_6").GetString()!);
        }

        return data;
    }

    public static TheoryData<long, string, string, string> TotpVectors()
    {
        using var doc = TestVectors.Load("otp.json");
        var totp = doc.RootElement.GetProperty("totp");
        var data = new TheoryData<long, string, string, string>();
        foreach (var v in totp.GetProperty("vectors").EnumerateArray())
        {
            data.Add(v.GetProperty("unix_time").GetInt64(), v.GetProperty("mode").GetString()!, v.GetProperty("totp_8").GetString()!, v.GetProperty("totp_6_derived").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HotpVectors))]
    public void Compute_Rfc4226Vector_MatchesHotp(long counter, string expected)
    {
        using var doc = TestVectors.Load("otp.json");
        var secret = OtpSecret.FromBase32(doc.RootElement.GetProperty("hotp").GetProperty("secret_base32").GetString()!, OtpKind.Hotp);

        Assert.Equal(expected, OtpCodes.Compute(secret, counter));
    }

    [Theory]
    [MemberData(nameof(TotpVectors))]
    public void ComputeTotp_Rfc6238Vector_MatchesEightAndSixDigits(long unixTime, string mode, string expected8, string expected6)
    {
        using var doc = TestVectors.Load("otp.json");
        var base32 = doc.RootElement.GetProperty("totp").GetProperty("secrets").GetProperty(mode).GetProperty("base32").GetString()!;
        var algorithm = mode switch { "SHA256" => OtpAlgorithm.Sha256, "SHA512" => OtpAlgorithm.Sha512, _ => OtpAlgorithm.Sha1 };
        var time = DateTimeOffset.FromUnixTimeSeconds(unixTime);

        Assert.Equal(expected8, OtpCodes.ComputeTotp(OtpSecret.FromBase32(base32, OtpKind.Totp, algorithm, digits: 8), time));
        Assert.Equal(expected6, OtpCodes.ComputeTotp(OtpSecret.FromBase32(base32, OtpKind.Totp, algorithm, digits: 6), time));
    }

    [Fact]
    public void GetUri_OtpNetReadmeExample_MatchesExpectedUri()
    {
        using var doc = TestVectors.Load("otp.json");
        var example = doc.RootElement.GetProperty("otpauth_uri_example");
        var input = example.GetProperty("input");
        var secret = OtpSecret.FromBase32(input.GetProperty("secret_base32").GetString()!);

        var uri = OtpEnrollment.GetUri(secret, input.GetProperty("user").GetString()!, input.GetProperty("issuer").GetString()!);

        Assert.Equal(example.GetProperty("expected").GetString(), uri);
    }

    [Fact]
    public void CreateSecret_Sha256_HasRandomThirtyTwoByteKeyAndRoundTripsBase32()
    {
        var a = OtpEnrollment.CreateSecret(algorithm: OtpAlgorithm.Sha256);
        var b = OtpEnrollment.CreateSecret(algorithm: OtpAlgorithm.Sha256);

        Assert.Equal(32, a.Key.Length);
        Assert.NotEqual(a.Key, b.Key);
        Assert.Equal(a.Key, OtpSecret.FromBase32(a.ToBase32()).Key);
    }

    [Theory]
    [InlineData("123456", "123456", true)]
    [InlineData("123456", "123457", false)]
    [InlineData("123456", "12345", false)]
    [InlineData("123456", "1234567", false)]
    public void FixedTimeEquals_Codes_ComparesExactly(string expected, string presented, bool equal)
    {
        Assert.Equal(equal, OtpCodes.FixedTimeEquals(expected, presented));
    }

    [Theory]
    [InlineData("123456", "\u013123456")]   // dotless i (U+0131): its low byte is 0x31, '1'
    [InlineData("123456", "12345\u0136")]        // U+0136: low byte 0x36, '6'
    [InlineData("12345\u0136", "123456")]        // non-ASCII on the expected side too
    public void FixedTimeEquals_NonAsciiWhoseLowByteMatches_False(string expected, string presented)
    {
        Assert.False(OtpCodes.FixedTimeEquals(expected, presented));
    }

    [Fact]
    public void FromBase32_NotBase32_Throws()
    {
        Assert.Throws<FormatException>(() => OtpSecret.FromBase32("not-base32!!"));
    }
}
