using ApiGuard.Authentication.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.DependencyInjection;

/// <summary>Every capability binds its section so that a value the binder cannot convert stops the host naming key, value and what is allowed.</summary>
public sealed class CapabilityOptionsBindingTests
{
    private const string Modes = "Enforce, DetectOnly";
    private const string Int32s = "whole numbers from -2147483648 to 2147483647";
    private const string Int64s = "whole numbers from -9223372036854775808 to 9223372036854775807";
    private const string Booleans = "true, false";
    private const string Numbers = "numbers such as 0.5";
    private const string TimeSpans = "time spans [d.]hh:mm[:ss[.fffffff]] such as 00:00:30 or 1.00:00:00";

    private static readonly Dictionary<string, Action<IApiGuardBuilder>> s_capabilities = new(StringComparer.Ordinal)
    {
        ["inspection"] = g => g.AddPayloadInspection(),
        ["rate-limiting"] = g => g.AddRateLimiting(),
        ["brute-force"] = g => g.AddBruteForceProtection(),
        ["bots"] = g => g.AddBotDetection(),
        ["posture"] = g => g.AddPosture(),
        ["audit"] = g => g.AddEndpointAudit(),
        ["leaks"] = g => g.AddResponseLeakDetection(),
        ["inventory"] = g => g.AddRouteInventory(),
        ["outbound"] = g => g.Services.AddHttpClient("partner").AddApiGuardOutboundGuard(),
        ["otp"] = g => g.AddOtp(),
        ["challenge-response"] = g => g.AddChallengeResponse(),
        ["dpop"] = g => g.Services.AddAuthentication().AddDpop(),
        ["signatures"] = g => g.AddSignatureAuthentication(),
        ["signature-key-cache"] = g => g.AddSignatureAuthentication().Services.AddSignatureKeyResolver<InMemorySignatureKeyResolver>(),
        ["redis"] = g => g.UseRedis(),
    };

    [Theory]
    [InlineData("inspection", "ApiGuard:Inspection:Mode", "Sometimes", Modes)]
    [InlineData("inspection", "ApiGuard:Inspection:OversizeAction", "Truncate", "InspectPrefix, Reject413, SkipAndReport")]
    [InlineData("inspection", "ApiGuard:Inspection:ParanoiaLevel", "high", Int32s)]
    [InlineData("rate-limiting", "ApiGuard:RateLimiting:Mode", "Sometimes", Modes)]
    [InlineData("rate-limiting", "ApiGuard:RateLimiting:Policies:api:Limits:0:Algorithm", "LeakyBucket", "Gcra, SlidingWindow, FixedWindow, Concurrency")]
    [InlineData("rate-limiting", "ApiGuard:RateLimiting:Policies:api:Limits:0:PermitLimit", "lots", Int64s)]
    [InlineData("rate-limiting", "ApiGuard:RateLimiting:Policies:api:Tiers:gold:0:Window", "hourly", TimeSpans)]
    [InlineData("rate-limiting", "ApiGuard:RateLimiting:MaxPartitions", "99999999999", Int32s)]
    [InlineData("brute-force", "ApiGuard:BruteForce:StoreFailurePolicy", "Panic", "FallbackToLocal, FailOpen, FailClosed")]
    [InlineData("brute-force", "ApiGuard:BruteForce:Pair:Window", "soon", TimeSpans)]
    [InlineData("bots", "ApiGuard:Bots:Mode", "Sometimes", Modes)]
    [InlineData("bots", "ApiGuard:Bots:Anonymous:ThrottleScore", "high", Numbers)]
    [InlineData("posture", "ApiGuard:Posture:Leaks:Action", "Shout", "Report, Redact, Withhold")]
    [InlineData("audit", "ApiGuard:Posture:Mode", "Sometimes", Modes)]
    [InlineData("leaks", "ApiGuard:Posture:Leaks:CheckDisclosureHeaders", "maybe", Booleans)]
    [InlineData("inventory", "ApiGuard:Posture:Outbound:MaxRedirects", "many", Int32s)]
    [InlineData("outbound", "ApiGuard:Posture:Outbound:Timeout", "soon", TimeSpans)]
    [InlineData("otp", "ApiGuard:Otp:Mode", "Sometimes", Modes)]
    [InlineData("otp", "ApiGuard:Otp:Secrets:alice:Kind", "Sms", "Totp, Hotp")]
    [InlineData("challenge-response", "ApiGuard:ChallengeResponse:NonceLifetime", "soon", TimeSpans)]
    [InlineData("challenge-response", "ApiGuard:ChallengeResponse:EmitOnSuccess", "maybe", Booleans)]
    [InlineData("dpop", "Authentication:Schemes:DPoP:ClockSkew", "soon", TimeSpans)]
    [InlineData("dpop", "Authentication:Schemes:DPoP:RequireNonce", "maybe", Booleans)]
    [InlineData("signatures", "ApiGuard:Signatures:Mode", "Sometimes", Modes)]
    [InlineData("signatures", "ApiGuard:Signatures:MaxDigestBodyBytes", "10MB", Int64s)]
    [InlineData("signature-key-cache", "ApiGuard:Signatures:KeyCache:Capacity", "unbounded", Int32s)]
    [InlineData("redis", "ApiGuard:Redis:OperationTimeout", "soon", TimeSpans)]
    [InlineData("redis", "ApiGuard:Redis:Enabled", "yes", Booleans)]
    public async Task Start_UnconvertibleCapabilityOption_HostRefusesNamingKeyValueAndAllowedValues(string capability, string key, string value, string allowed)
    {
        var ex = await Record.ExceptionAsync(() => StartAsync(capability, new() { [key] = value }));

        Assert.NotNull(ex);
        Assert.Contains($"{key} has the value '{value}'; allowed values are {allowed}.", Failures(ex));
    }

    [Theory]
    [InlineData("rate-limiting", "ApiGuard:RateLimiting:Mode", "detectonly")]
    [InlineData("bots", "ApiGuard:Bots:Anonymous:ThrottleScore", "42.5")]
    [InlineData("outbound", "ApiGuard:Posture:Outbound:Timeout", "00:00:05")]
    [InlineData("dpop", "Authentication:Schemes:DPoP:RequireNonce", "False")]
    [InlineData("redis", "ApiGuard:Redis:OperationTimeout", "00:00:00.100")]
    public async Task Start_ConvertibleCapabilityOption_Starts(string capability, string key, string value)
    {
        // Starting is the assertion: the check must accept what the binder converts (any-case names, invariant numbers).
        var ex = await Record.ExceptionAsync(async () => await (await StartAsync(capability, new() { [key] = value })).DisposeAsync());

        Assert.Null(ex);
    }

    [Fact]
    public void BindApiGuardSection_CustomOptions_BindsConvertibleValuesAndNamesUnconvertibleKey()
    {
        var good = Build(new() { ["Custom:Mode"] = "detectonly", ["Custom:Limits:0"] = "7" });
        Assert.Equal(ApiGuardMode.DetectOnly, good.Mode);
        Assert.Equal([7], good.Limits);

        var ex = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Custom:Mode"] = "Sometimes", ["Custom:Limits:0"] = "seven" }));
        Assert.Equal(
            ["Custom:Mode has the value 'Sometimes'; allowed values are Enforce, DetectOnly.", $"Custom:Limits:0 has the value 'seven'; allowed values are {Int32s}."],
            ex.Failures);

        static CustomOptions Build(Dictionary<string, string?> values)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
            var services = new ServiceCollection();
            services.AddOptions<CustomOptions>().BindApiGuardSection(configuration.GetSection("Custom"));
            using var provider = services.BuildServiceProvider();
            return provider.GetRequiredService<IOptions<CustomOptions>>().Value;
        }
    }

    /// <summary>Every options class ApiGuard binds from configuration (the roots the conversion check walks).</summary>
    private static readonly Type[] s_boundOptions =
    [
        typeof(ApiGuardOptions), typeof(ApiGuard.Monitoring.Webhooks.WebhookAlertOptions), typeof(ApiGuard.Inspection.PayloadInspectionOptions),
        typeof(ApiGuard.RateLimiting.RateLimitingOptions), typeof(ApiGuard.BruteForce.BruteForceOptions), typeof(ApiGuard.Bots.BotDetectionOptions),
        typeof(ApiGuard.Posture.PostureOptions), typeof(ApiGuard.Posture.Outbound.OutboundGuardOptions), typeof(ApiGuard.Authentication.Otp.OtpOptions),
        typeof(ApiGuard.Authentication.ChallengeResponse.ServerNonceOptions), typeof(ApiGuard.Authentication.ChallengeResponse.DpopOptions),
        typeof(SignatureAuthenticationOptions), typeof(SignatureKeyStoreOptions), typeof(SignatureKeyCacheOptions), typeof(ApiGuard.Redis.ApiGuardRedisOptions),
    ];

    [Fact]
    public void ThrowIfUnconvertible_NestedOptionTypes_AllKeptForTrimming()
    {
        // Under trimming and native AOT the check sees a nested type's properties only when they are kept; a nested options class
        // missing from the [DynamicDependency] list would lose its "allowed values" message there, silently.
        var kept = typeof(ApiGuardOptionsBuilderExtensions)
            .GetMethod("ThrowIfUnconvertible", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .GetCustomAttributes(typeof(System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute), inherit: false)
            .Cast<System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute>()
            .Select(a => a.Type)
            .ToHashSet();

        var nested = new SortedSet<string>(StringComparer.Ordinal);
        // Set in code only (delegates, private setters, key objects): configuration never reaches them.
        Type[] codeOnly =
        [
            typeof(ApiGuard.Authentication.ChallengeResponse.DpopEvents), typeof(SignatureAuthenticationEvents), typeof(ApiGuard.Bots.BotFlowRule),
            typeof(SignatureClientKey), typeof(ApiGuard.Client.Signatures.SignatureKey),
        ];
        var seen = new HashSet<Type>(s_boundOptions.Concat(codeOnly));
        var pending = new Queue<Type>(s_boundOptions);
        while (pending.TryDequeue(out var type))
        {
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                foreach (var candidate in ValueTypes(property.PropertyType))
                {
                    if (candidate.IsClass && !typeof(Delegate).IsAssignableFrom(candidate) && candidate.Namespace?.StartsWith("ApiGuard", StringComparison.Ordinal) == true &&
                        seen.Add(candidate))
                    {
                        pending.Enqueue(candidate);
                        if (!kept.Contains(candidate))
                        {
                            nested.Add(candidate.FullName!);
                        }
                    }
                }
            }
        }

        Assert.True(nested.Count == 0, "Add [DynamicDependency(PublicProperties, typeof(...))] on ThrowIfUnconvertible for: " + string.Join(", ", nested));

        static IEnumerable<Type> ValueTypes(Type type)
        {
            yield return type;
            // Element and value types of collections, as the check walks them; never a delegate's arguments.
            var collection = typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && type != typeof(string);
            foreach (var argument in !collection ? [] : type.IsArray ? [type.GetElementType()!] : type.GetGenericArguments())
            {
                yield return argument;
            }
        }
    }

    private static async Task<WebApplication> StartAsync(string capability, Dictionary<string, string?> config)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(config);
        var guard = builder.Services.AddApiGuard(builder.Configuration.GetSection("ApiGuard"));
        s_capabilities[capability](guard);
        var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();
        await app.StartAsync();
        return app;
    }

    /// <summary>Every options failure behind <paramref name="ex"/> (startup validation throws one, or an aggregate of several).</summary>
    private static List<string> Failures(Exception ex) => ex switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Failures)],
        _ => [ex.ToString()],
    };

    private sealed class CustomOptions
    {
        public ApiGuardMode Mode { get; set; }

        public List<int> Limits { get; set; } = [];
    }
}
