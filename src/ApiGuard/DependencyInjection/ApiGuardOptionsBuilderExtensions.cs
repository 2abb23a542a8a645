using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Binding helpers for ApiGuard options classes.</summary>
public static class ApiGuardOptionsBuilderExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/> like <c>OptionsBuilder.Bind</c>, except that a value the binder cannot convert (an unknown
    /// enum name such as <c>ApiGuard:Mode=Sometimes</c>, a number that is not one or out of range, a bad <see cref="bool"/> or
    /// <see cref="TimeSpan"/>) stops the host with an <see cref="OptionsValidationException"/> naming the full key, the value and the
    /// allowed values, instead of the binder's message, which names neither the value nor what is allowed.
    /// </summary>
    /// <remarks>
    /// This method binds through the reflection-based binder, as <c>OptionsBuilder.Bind</c> does. In a trimmed or native AOT
    /// application bind with the configuration binding source generator instead. ApiGuard's own capabilities run the same
    /// check and then bind through the source generator.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    [RequiresUnreferencedCode(BinderMessage)]
    [RequiresDynamicCode(BinderMessage)]
    public static OptionsBuilder<TOptions> BindApiGuardSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(
        this OptionsBuilder<TOptions> builder, IConfiguration section)
        where TOptions : class
    {
        // What OptionsBuilder.Bind registers, spelt out: a generic Bind call is one the binding source generator cannot
        // intercept (SYSLIB1104), and this method binds by reflection anyway, as its attributes tell the caller.
        builder.CheckApiGuardSection(section);
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(builder.Name, section));
        builder.Services.AddSingleton<IConfigureOptions<TOptions>>(new NamedConfigureFromConfigurationOptions<TOptions>(builder.Name, section));
        return builder;
    }

    private const string BinderMessage =
        "Binds TOptions with the reflection-based configuration binder; its nested types may be trimmed. Under trimming or native AOT, " +
        "bind with the configuration binding source generator (EnableConfigurationBindingGenerator) instead.";

    /// <summary>
    /// Adds a configure step, ahead of any binding registered after it, that stops the host when a value under
    /// <paramref name="section"/> does not convert to the <typeparamref name="TOptions"/> property it binds to (see
    /// <see cref="BindApiGuardSection{TOptions}"/>). Follow it with <c>.Bind(section)</c>, which the configuration binding source
    /// generator turns into trimming-safe code at a call site with a concrete options type.
    /// </summary>
    internal static OptionsBuilder<TOptions> CheckApiGuardSection<[DynamicallyAccessedMembers(WalkedMembers)] TOptions>(
        this OptionsBuilder<TOptions> builder, IConfiguration section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Configure(_ => ThrowIfUnconvertible<TOptions>(section, builder.Name));
        return builder;
    }

    /// <summary>
    /// Throws an <see cref="OptionsValidationException"/> listing every value under <paramref name="section"/> that the configuration
    /// binder could not convert to the type of the <typeparamref name="TOptions"/> property it binds to. Used by configure steps that
    /// bind by hand (named options bound from a shared section).
    /// </summary>
    // The nested options classes the walk reaches through property types: kept with their public properties, so that trimmed and
    // native AOT apps get the same messages. CapabilityOptionsBindingTests fails when a nested options class is missing here.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.ApiGuardPolicyOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Identity.ClientIdentityOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Monitoring.SecurityEventOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Monitoring.Webhooks.WebhookEndpointOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Inspection.Exclusions.InspectionExclusion))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.RateLimiting.RateLimitPolicyOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.RateLimiting.RateLimitRuleOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.BruteForce.BruteForceLimitOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.BruteForce.BruteForceAccountOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.BruteForce.BruteForcePatternOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Bots.BotClassOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Posture.Audit.EndpointAuditOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Posture.Leaks.ResponseLeakOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Posture.Inventory.RouteInventoryOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Authentication.Otp.OtpSecretOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Authentication.Signatures.SignaturePolicy))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ApiGuard.Authentication.Signatures.SignatureKeyOptions))]
    internal static void ThrowIfUnconvertible<[DynamicallyAccessedMembers(WalkedMembers)] TOptions>(IConfiguration section, string? name)
    {
        var failures = new List<string>();
        CheckObject(section, typeof(TOptions), failures, depth: 0);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(name ?? Options.Options.DefaultName, typeof(TOptions), failures);
        }
    }

    private const int MaxDepth = 8;

    private const DynamicallyAccessedMemberTypes WalkedMembers = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.Interfaces;

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification =
        "Nested option types are reached through property types, which trimming cannot annotate; the [DynamicDependency] list on " +
        "ThrowIfUnconvertible keeps their public properties (a test checks the list is complete). A type missing from it only loses " +
        "this message: the configuration binder's own conversion error, which also names the key, then stops the host.")]
    private static void CheckObject(IConfiguration section, [DynamicallyAccessedMembers(WalkedMembers)] Type type, List<string> failures, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var child = section.GetSection(property.Name);
            if (child.Exists())
            {
                CheckValue(child, property.PropertyType, failures, depth + 1);
            }
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "See CheckObject: element types of nested collections are walked best-effort.")]
    private static void CheckValue(IConfigurationSection section, [DynamicallyAccessedMembers(WalkedMembers)] Type type, List<string> failures, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsValueType)
        {
            if (section.Value is { Length: > 0 } value && Allowed(underlying, value) is { } allowed)
            {
                failures.Add($"{section.Path} has the value '{value}'; allowed values are {allowed}.");
            }

            return;
        }

        if (underlying == typeof(string) || underlying == typeof(object))
        {
            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                CheckValue(item, element, failures, depth + 1);
            }

            return;
        }

        if (underlying.IsClass)
        {
            CheckObject(section, type, failures, depth);
        }
    }

    /// <summary>The value type of a dictionary, or the element type of an array or other collection; <see langword="null"/> otherwise.</summary>
    private static Type? ElementType([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.Interfaces)] Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        Type? element = null;
        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (!candidate.IsGenericType)
            {
                continue;
            }

            var definition = candidate.GetGenericTypeDefinition();
            if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                return candidate.GetGenericArguments()[1];
            }

            if (definition == typeof(IEnumerable<>))
            {
                element ??= candidate.GetGenericArguments()[0];
            }
        }

        return element;
    }

    /// <summary>
    /// <see langword="null"/> when the binder converts <paramref name="value"/> to <paramref name="type"/> (or the type is not one this
    /// check knows); otherwise the allowed values, in words. The rules are those of the configuration binder (invariant culture,
    /// enum names in any case).
    /// </summary>
    private static string? Allowed(Type type, string value)
    {
        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out _) ? null : string.Join(", ", Enum.GetNames(type));
        }

        var invariant = CultureInfo.InvariantCulture;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => bool.TryParse(value, out _) ? null : "true, false",
            TypeCode.Byte => WholeNumber(value, byte.MinValue, byte.MaxValue),
            TypeCode.SByte => WholeNumber(value, sbyte.MinValue, sbyte.MaxValue),
            TypeCode.Int16 => WholeNumber(value, short.MinValue, short.MaxValue),
            TypeCode.UInt16 => WholeNumber(value, ushort.MinValue, ushort.MaxValue),
            TypeCode.Int32 => WholeNumber(value, int.MinValue, int.MaxValue),
            TypeCode.UInt32 => WholeNumber(value, uint.MinValue, uint.MaxValue),
            TypeCode.Int64 => WholeNumber(value, long.MinValue, long.MaxValue),
            TypeCode.UInt64 => ulong.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : $"whole numbers from 0 to {ulong.MaxValue}",
            TypeCode.Single => float.TryParse(value, NumberStyles.Float, invariant, out _) ? null : "numbers such as 0.5",
            TypeCode.Double => double.TryParse(value, NumberStyles.Float, invariant, out _) ? null : "numbers such as 0.5",
            TypeCode.Decimal => decimal.TryParse(value, NumberStyles.Float, invariant, out _) ? null : "numbers such as 0.5",
            TypeCode.Char => value.Length == 1 ? null : "single characters",
            TypeCode.DateTime => DateTime.TryParse(value, invariant, DateTimeStyles.None, out _) ? null : "dates and times such as 2026-01-31T12:00:00Z",
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, invariant, out _) ? null : "time spans [d.]hh:mm[:ss[.fffffff]] such as 00:00:30 or 1.00:00:00",
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, invariant, DateTimeStyles.None, out _) ? null : "dates and times such as 2026-01-31T12:00:00Z",
            _ when type == typeof(Guid) => Guid.TryParse(value, out _) ? null : "GUIDs",
            _ => null,
        };
    }

    private static string? WholeNumber(string value, long min, long max) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? null
            : $"whole numbers from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
}
