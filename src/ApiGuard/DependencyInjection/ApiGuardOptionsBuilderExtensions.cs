using System.Collections;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Binding helpers for ApiGuard options classes.</summary>
public static class ApiGuardOptionsBuilderExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/> like <c>OptionsBuilder.Bind</c>, except that a value the binder cannot convert to an
    /// enum property (for example <c>ApiGuard:Mode=Sometimes</c>) stops the host with an <see cref="OptionsValidationException"/>
    /// naming the key, the value and the allowed values, instead of the binder's message, which names neither value.
    /// </summary>
    public static OptionsBuilder<TOptions> BindApiGuardSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(
        this OptionsBuilder<TOptions> builder, IConfiguration section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);

        // Registered before the binder's own configure step, so it runs first.
        builder.Configure(_ =>
        {
            var failures = new List<string>();
            CheckObject(section, typeof(TOptions), failures, depth: 0);
            if (failures.Count > 0)
            {
                throw new OptionsValidationException(builder.Name, typeof(TOptions), failures);
            }
        });
        return builder.Bind(section);
    }

    private const int MaxDepth = 8;

    private static void CheckObject(IConfiguration section, Type type, List<string> failures, int depth)
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

    private static void CheckValue(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            if (section.Value is { Length: > 0 } value && !Converts(underlying, value))
            {
                failures.Add($"{section.Path} has the value '{value}'; allowed values are {string.Join(", ", Enum.GetNames(underlying))}.");
            }

            return;
        }

        if (underlying.IsPrimitive || underlying == typeof(string) || underlying == typeof(object) || underlying.IsValueType)
        {
            return;
        }

        if (ElementType(underlying) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                CheckValue(item, element, failures, depth + 1);
            }

            return;
        }

        if (underlying.IsClass)
        {
            CheckObject(section, underlying, failures, depth);
        }
    }

    /// <summary>The value type of a dictionary, or the element type of an array or other collection; <see langword="null"/> otherwise.</summary>
    private static Type? ElementType(Type type)
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

    private static bool Converts(Type enumType, string value)
    {
        // The same conversion the configuration binder uses.
        try
        {
            _ = TypeDescriptor.GetConverter(enumType).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
