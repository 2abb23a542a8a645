namespace ApiGuard.Inspection.Exclusions;

/// <summary>Endpoint metadata carrying an inspection exclusion or field-type declaration for that endpoint.</summary>
public interface IInspectionExclusionMetadata
{
    /// <summary>The exclusion; its <see cref="InspectionExclusion.Route"/> is ignored (the endpoint is the route).</summary>
    InspectionExclusion Exclusion { get; }
}

/// <summary>
/// Excludes a field, rules or categories from payload inspection on the endpoint.
/// <c>[InspectionExclusion("json:$.description")]</c> skips the field; <c>[InspectionExclusion("query:q", RuleIds = [942100])]</c>
/// drops only that rule's findings there; <c>[InspectionExclusion(null, Categories = [InspectionCategory.Xss])]</c> drops a category everywhere on the endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class InspectionExclusionAttribute : Attribute, IInspectionExclusionMetadata
{
    private int[] _ruleIds = [];
    private InspectionCategory[] _categories = [];

    /// <summary>Creates the attribute.</summary>
    /// <param name="field">The field selector (<c>query:q</c>, <c>json:$.items[*].note</c>, …), or <see langword="null"/> for every field.</param>
    public InspectionExclusionAttribute(string? field)
    {
        Field = field;
    }

    /// <summary>The field selector, or <see langword="null"/> for every field.</summary>
    public string? Field { get; }

    /// <summary>Rule ids whose findings are dropped; with no rule ids and no categories, the field is not inspected.</summary>
    public int[] RuleIds
    {
        get => _ruleIds;
        set => _ruleIds = value ?? [];
    }

    /// <summary>Categories whose findings are dropped.</summary>
    public InspectionCategory[] Categories
    {
        get => _categories;
        set => _categories = value ?? [];
    }

    /// <inheritdoc />
    public InspectionExclusion Exclusion => new() { Field = Field, RuleIds = [.. _ruleIds], Categories = [.. _categories] };
}

/// <summary>Declares the type of a field on the endpoint (<c>[InspectionField("query:next", FieldType.Url)]</c>), so the inspector decodes, narrows or skips accordingly.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class InspectionFieldAttribute : Attribute, IInspectionExclusionMetadata
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="field">The field selector (<c>query:next</c>, <c>json:$.avatar</c>, …).</param>
    /// <param name="fieldType">The declared type.</param>
    public InspectionFieldAttribute(string field, FieldType fieldType)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        Field = field;
        FieldType = fieldType;
    }

    /// <summary>The field selector.</summary>
    public string Field { get; }

    /// <summary>The declared type.</summary>
    public FieldType FieldType { get; }

    /// <inheritdoc />
    public InspectionExclusion Exclusion => new() { Field = Field, FieldType = FieldType };
}

/// <summary>Metadata added by <c>WithInspectionExclusion</c> and <c>WithInspectionField</c>.</summary>
internal sealed class InspectionExclusionMetadata(InspectionExclusion exclusion) : IInspectionExclusionMetadata
{
    public InspectionExclusion Exclusion { get; } = exclusion;
}
