using ApiGuard.Inspection;
using ApiGuard.Inspection.Exclusions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions for payload inspection exclusions and field types.</summary>
public static class InspectionEndpointConventionBuilderExtensions
{
    /// <summary>Excludes a field from payload inspection on the endpoints: it is not inspected at all.</summary>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="field">The field selector: <c>query:q</c>, <c>header:X-Foo</c>, <c>form:name</c>, <c>path:2</c>, <c>json:$.items[*].note</c>, <c>body:xml</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="field"/> is not a valid selector.</exception>
    public static TBuilder WithInspectionExclusion<TBuilder>(this TBuilder builder, string field) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        return builder.WithInspectionExclusion(new InspectionExclusion { Field = field });
    }

    /// <summary>Drops the findings of the given rules on the endpoints, in one field or (with <paramref name="field"/> <see langword="null"/>) in every field.</summary>
    /// <exception cref="ArgumentException">No rule id was given, or <paramref name="field"/> is not a valid selector.</exception>
    public static TBuilder WithInspectionExclusion<TBuilder>(this TBuilder builder, string? field, params int[] ruleIds) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(ruleIds);
        if (ruleIds.Length == 0)
        {
            throw new ArgumentException("Give at least one rule id; to exclude the whole field use WithInspectionExclusion(field).", nameof(ruleIds));
        }

        return builder.WithInspectionExclusion(new InspectionExclusion { Field = field, RuleIds = [.. ruleIds] });
    }

    /// <summary>Drops the findings of the given categories on the endpoints, in one field or (with <paramref name="field"/> <see langword="null"/>) in every field.</summary>
    /// <exception cref="ArgumentException">No category was given, or <paramref name="field"/> is not a valid selector.</exception>
    public static TBuilder WithInspectionExclusion<TBuilder>(this TBuilder builder, string? field, params InspectionCategory[] categories) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(categories);
        if (categories.Length == 0)
        {
            throw new ArgumentException("Give at least one category; to exclude the whole field use WithInspectionExclusion(field).", nameof(categories));
        }

        return builder.WithInspectionExclusion(new InspectionExclusion { Field = field, Categories = [.. categories] });
    }

    /// <summary>Adds an exclusion (or field-type declaration) to the endpoints; its <see cref="InspectionExclusion.Route"/> is ignored.</summary>
    /// <exception cref="ArgumentException">The exclusion's field is not a valid selector, or it declares a type without a field.</exception>
    public static TBuilder WithInspectionExclusion<TBuilder>(this TBuilder builder, InspectionExclusion exclusion) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(exclusion);
        var failures = new List<string>();
        var copy = new InspectionExclusion
        {
            Field = exclusion.Field,
            RuleIds = [.. exclusion.RuleIds],
            Categories = [.. exclusion.Categories],
            FieldType = exclusion.FieldType,
            Route = "(endpoint)",
        };
        PayloadInspectionOptionsValidator.ValidateExclusion("exclusion", copy, failures);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(exclusion));
        }

        copy.Route = null;
        var metadata = new InspectionExclusionMetadata(copy);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Declares the type of a field on the endpoints, so the inspector decodes, narrows or skips accordingly.</summary>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="field">The field selector (<c>query:next</c>, <c>json:$.avatar</c>, …).</param>
    /// <param name="fieldType">The type: free text, base64, URL or identifier.</param>
    /// <exception cref="ArgumentException"><paramref name="field"/> is not a valid selector.</exception>
    public static TBuilder WithInspectionField<TBuilder>(this TBuilder builder, string field, FieldType fieldType) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        return builder.WithInspectionExclusion(new InspectionExclusion { Field = field, FieldType = fieldType });
    }
}
