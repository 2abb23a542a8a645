namespace ApiGuard.Inspection.Exclusions;

/// <summary>
/// One exclusion or field-type declaration. Bindable from <c>ApiGuard:Inspection:Exclusions:N</c>, addable in code to
/// <see cref="PayloadInspectionOptions.Exclusions"/>, or attached to an endpoint with <c>WithInspectionExclusion</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Field"/> selects where it applies: <c>path:N</c>, <c>query:name</c>, <c>header:Name</c>, <c>form:name</c>,
/// <c>json:$.a.b</c> (with <c>[*]</c> for any array index, <c>[3]</c> for one, <c>*</c> for any property name; a JSON path also covers
/// everything below it), <c>body:xml</c> / <c>body:text</c>; <c>*</c> as the name matches every field of that kind
/// (<c>query:*</c>). Query, header and form names compare case-insensitively; JSON property names case-sensitively.
/// <see langword="null"/> means every field.
/// </para>
/// <para>
/// When neither <see cref="RuleIds"/> nor <see cref="Categories"/> is given and no <see cref="FieldType"/> is declared, the field is
/// not inspected at all. With rule ids or categories, only findings of those rules or categories are dropped there.
/// With a <see cref="FieldType"/>, the field is inspected as that type (and rule ids or categories, if any, are also dropped).
/// </para>
/// </remarks>
public sealed class InspectionExclusion
{
    /// <summary>
    /// The endpoint it applies to: a route template as written (<c>/api/products/{id}</c>) or an endpoint name; <see langword="null"/> for every endpoint.
    /// Ignored on exclusions attached to an endpoint in code.
    /// </summary>
    public string? Route { get; set; }

    /// <summary>The field it applies to (see the remarks); <see langword="null"/> for every field.</summary>
    public string? Field { get; set; }

    /// <summary>Rule ids whose findings are dropped; empty with empty <see cref="Categories"/> means all rules.</summary>
    public List<int> RuleIds { get; set; } = [];

    /// <summary>Categories whose findings are dropped; empty with empty <see cref="RuleIds"/> means all categories.</summary>
    public List<InspectionCategory> Categories { get; set; } = [];

    /// <summary>The declared type of the field, so the inspector decodes, narrows or skips accordingly; requires <see cref="Field"/>.</summary>
    public FieldType? FieldType { get; set; }
}
