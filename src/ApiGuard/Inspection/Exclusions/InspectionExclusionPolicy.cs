using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ApiGuard.Inspection.Exclusions;

/// <summary>How one field is to be inspected, as decided by the exclusions that match it.</summary>
internal readonly struct FieldDecision
{
    public FieldDecision(bool skip, FieldType type, bool hasPartialExclusions)
    {
        Skip = skip;
        Type = type;
        HasPartialExclusions = hasPartialExclusions;
    }

    /// <summary>The field is excluded entirely.</summary>
    public bool Skip { get; }

    /// <summary>The declared type, <see cref="FieldType.FreeText"/> when none.</summary>
    public FieldType Type { get; }

    /// <summary>Some rule ids or categories are excluded on this field: check each finding with <see cref="InspectionExclusionPolicy.IsExcluded"/>.</summary>
    public bool HasPartialExclusions { get; }
}

/// <summary>An exclusion compiled for matching.</summary>
internal sealed class CompiledExclusion
{
    public CompiledExclusion(InspectionFieldPattern? field, int[] ruleIds, uint categoryMask, FieldType? type)
    {
        Field = field;
        RuleIds = ruleIds;
        CategoryMask = categoryMask;
        Type = type;
        DropsAll = ruleIds.Length == 0 && categoryMask == 0 && type is null;
    }

    public InspectionFieldPattern? Field { get; }

    public int[] RuleIds { get; }

    public uint CategoryMask { get; }

    public FieldType? Type { get; }

    public bool DropsAll { get; }

    public bool HasPartial => RuleIds.Length > 0 || CategoryMask != 0;

    public static CompiledExclusion Compile(InspectionExclusion exclusion)
    {
        InspectionFieldPattern? pattern = null;
        if (exclusion.Field is { } field && !InspectionFieldPattern.TryParse(field, out pattern, out var error))
        {
            throw new InvalidOperationException($"The inspection exclusion field '{field}' is invalid: {error}.");
        }

        uint mask = 0;
        foreach (var c in exclusion.Categories)
        {
            mask |= 1u << (int)c;
        }

        return new CompiledExclusion(pattern, [.. exclusion.RuleIds], mask, exclusion.FieldType);
    }

    public bool Excludes(in InspectionFinding finding) =>
        (CategoryMask & (1u << (int)finding.Category)) != 0 || Array.IndexOf(RuleIds, finding.RuleId) >= 0;
}

/// <summary>The exclusions in force for one endpoint: the configured ones whose route matches, plus the endpoint's own metadata.</summary>
internal sealed class InspectionExclusionPolicy
{
    public static readonly InspectionExclusionPolicy Empty = new([]);

    private readonly CompiledExclusion[] _rules;

    public InspectionExclusionPolicy(CompiledExclusion[] rules)
    {
        _rules = rules;
        foreach (var rule in rules)
        {
            if (rule.Field is null && rule.DropsAll)
            {
                SkipsEndpoint = true;
            }
        }
    }

    /// <summary>An exclusion with neither field nor rules covers the endpoint: nothing is inspected.</summary>
    public bool SkipsEndpoint { get; }

    public bool IsEmpty => _rules.Length == 0;

    public FieldDecision Resolve(in InspectionField field)
    {
        var rules = _rules;
        if (rules.Length == 0)
        {
            return default;
        }

        FieldType? type = null;
        var partial = false;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            if (rule.Field is not null && !rule.Field.Matches(field))
            {
                continue;
            }

            if (rule.DropsAll)
            {
                return new FieldDecision(true, FieldType.FreeText, false);
            }

            type ??= rule.Type;
            partial |= rule.HasPartial;
        }

        return new FieldDecision(false, type ?? FieldType.FreeText, partial);
    }

    public bool IsExcluded(in InspectionField field, in InspectionFinding finding)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            if (rule.HasPartial && rule.Excludes(finding) && (rule.Field is null || rule.Field.Matches(field)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Builds and caches the policy of each endpoint (endpoints are a finite set defined by the app).</summary>
internal sealed class InspectionExclusionPolicyCache
{
    private readonly (string? Route, CompiledExclusion Rule)[] _configured;
    private readonly InspectionExclusionPolicy _noEndpoint;
    private readonly ConcurrentDictionary<Endpoint, InspectionExclusionPolicy> _cache = new();

    public InspectionExclusionPolicyCache(IReadOnlyList<InspectionExclusion> configured)
    {
        _configured = new (string?, CompiledExclusion)[configured.Count];
        var global = new List<CompiledExclusion>();
        for (var i = 0; i < configured.Count; i++)
        {
            var rule = CompiledExclusion.Compile(configured[i]);
            _configured[i] = (configured[i].Route, rule);
            if (configured[i].Route is null)
            {
                global.Add(rule);
            }
        }

        _noEndpoint = global.Count == 0 ? InspectionExclusionPolicy.Empty : new InspectionExclusionPolicy([.. global]);
    }

    public InspectionExclusionPolicy Get(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return _noEndpoint;
        }

        return _cache.TryGetValue(endpoint, out var policy) ? policy : _cache.GetOrAdd(endpoint, Build(endpoint));
    }

    private InspectionExclusionPolicy Build(Endpoint endpoint)
    {
        var rules = new List<CompiledExclusion>();
        var template = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        foreach (var (route, rule) in _configured)
        {
            if (route is null || RouteEquals(route, template) || (name is not null && string.Equals(route, name, StringComparison.Ordinal)))
            {
                rules.Add(rule);
            }
        }

        foreach (var metadata in endpoint.Metadata.GetOrderedMetadata<IInspectionExclusionMetadata>())
        {
            rules.Add(CompiledExclusion.Compile(metadata.Exclusion));
        }

        return rules.Count == 0 ? InspectionExclusionPolicy.Empty : new InspectionExclusionPolicy([.. rules]);
    }

    private static bool RouteEquals(string configured, string? template)
    {
        if (template is null)
        {
            return false;
        }

        return configured.AsSpan().TrimStart('/').Equals(template.AsSpan().TrimStart('/'), StringComparison.OrdinalIgnoreCase);
    }
}
