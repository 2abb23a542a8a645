using ApiGuard.Inspection.Body;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Inspection;

/// <summary>
/// The state of inspecting one request: runs values through the inspector, applies the endpoint's exclusions and
/// field types, sums the score and keeps explained findings. Also the <see cref="IInspectionFeature"/> of the request.
/// The benign path (no finding) allocates nothing.
/// </summary>
internal sealed class InspectionScan : IInspectionFeature
{
    /// <summary>Findings read from the inspector per value.</summary>
    public const int FindingsPerValue = 16;

    private readonly IPayloadInspector _inspector;
    private readonly int _paranoia;
    private readonly int _maxFindings;
    private readonly bool _stopAtThreshold;
    private readonly bool _memoisable;
    private List<InspectionFindingDetail>? _findings;

    public InspectionScan(IPayloadInspector inspector, InspectionExclusionPolicy policy, int paranoiaLevel, int threshold, int maxFindings, ApiGuardMode mode)
    {
        _inspector = inspector;
        Policy = policy;
        _paranoia = paranoiaLevel;
        Threshold = threshold;
        _maxFindings = maxFindings;
        Mode = mode;
        _stopAtThreshold = mode == ApiGuardMode.Enforce;
        _memoisable = inspector is PayloadInspector; // its verdict depends on nothing but the value and its settings
    }

    public InspectionExclusionPolicy Policy { get; }

    public ApiGuardMode Mode { get; }

    public int Score { get; private set; }

    public int Threshold { get; }

    public InspectionOutcome Outcome { get; set; }

    public InspectionBodyStatus BodyStatus { get; set; }

    public long BytesInspected { get; private set; }

    /// <summary>Every finding counted, including those not kept for lack of room.</summary>
    public int TotalFindings { get; private set; }

    public IReadOnlyList<InspectionFindingDetail> Findings => (IReadOnlyList<InspectionFindingDetail>?)_findings ?? [];

    /// <summary>In Enforce, once the threshold is reached nothing more needs inspecting: the request is blocked.</summary>
    public bool ShouldStop => _stopAtThreshold && Score >= Threshold;

    public bool ReachedThreshold => Score >= Threshold;

    /// <summary>Clears the results so the scan can be reused (benchmarks).</summary>
    public void Reset()
    {
        Score = 0;
        TotalFindings = 0;
        BytesInspected = 0;
        Outcome = InspectionOutcome.Passed;
        BodyStatus = InspectionBodyStatus.NotInspected;
        _findings?.Clear();
    }

    /// <summary>A point to roll back to (used when a body turns out to be oversize and is to be skipped).</summary>
    public (int Score, int Findings, int Total) Checkpoint() => (Score, _findings?.Count ?? 0, TotalFindings);

    public void Rollback((int Score, int Findings, int Total) checkpoint)
    {
        Score = checkpoint.Score;
        TotalFindings = checkpoint.Total;
        if (_findings is { } list && list.Count > checkpoint.Findings)
        {
            list.RemoveRange(checkpoint.Findings, list.Count - checkpoint.Findings);
        }
    }

    public void Inspect(ReadOnlySpan<byte> value, ValueSource source, in InspectionField field, InspectionValuePart part = InspectionValuePart.Value)
        => Inspect(value, source, field, part, memo: null);

    /// <summary>
    /// Inspects a value, skipping it when <paramref name="memo"/> holds the same value (same source and field type) found
    /// clean earlier in this body. Only the built-in inspector, whose verdict depends on nothing but the value and its
    /// settings, is memoised.
    /// </summary>
    public void Inspect(ReadOnlySpan<byte> value, ValueSource source, in InspectionField field, InspectionValuePart part, CleanValueMemo? memo)
    {
        if (value.IsEmpty)
        {
            return;
        }

        var decision = Policy.IsEmpty ? default : Policy.Resolve(field);
        if (decision.Skip)
        {
            return;
        }

        BytesInspected += value.Length;
        memo = _memoisable ? memo : null;
        var key = memo?.KeyOf(value, source, decision.Type) ?? default;
        if (memo is not null && memo.Contains(value, key))
        {
            return;
        }

        Span<InspectionFinding> findings = stackalloc InspectionFinding[FindingsPerValue];
        var verdict = _inspector.Inspect(value, new InspectionSettings(source, _paranoia, decision.Type, StopAt(decision)), findings);
        if (verdict.HasFindings)
        {
            Record(verdict, findings, field, part, decision, value, default);
        }
        else
        {
            memo?.Add(value, key);
        }
    }

    public void Inspect(ReadOnlySpan<char> value, ValueSource source, in InspectionField field, InspectionValuePart part = InspectionValuePart.Value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        var decision = Policy.Resolve(field);
        if (decision.Skip)
        {
            return;
        }

        Span<InspectionFinding> findings = stackalloc InspectionFinding[FindingsPerValue];
        var verdict = _inspector.Inspect(value, new InspectionSettings(source, _paranoia, decision.Type, StopAt(decision)), findings);
        BytesInspected += value.Length;
        if (verdict.HasFindings)
        {
            Record(verdict, findings, field, part, decision, default, value);
        }
    }

    /// <summary>
    /// In Enforce the inspector may stop once this value brings the request to the threshold (the request is blocked either
    /// way). Not where some rules are excluded for the field: an excluded finding must not stand in for the ones after it.
    /// </summary>
    private int StopAt(FieldDecision decision) => _stopAtThreshold && !decision.HasPartialExclusions ? Math.Max(1, Threshold - Score) : 0;

    private void Record(
        InspectionVerdict verdict,
        Span<InspectionFinding> findings,
        in InspectionField field,
        InspectionValuePart part,
        FieldDecision decision,
        ReadOnlySpan<byte> utf8,
        ReadOnlySpan<char> chars)
    {
        var written = Math.Clamp(verdict.FindingCount, 0, findings.Length);
        var score = verdict.Score;
        var kept = 0;
        string? location = null;
        string? name = null;
        for (var i = 0; i < written; i++)
        {
            ref readonly var f = ref findings[i];
            if (decision.HasPartialExclusions && Policy.IsExcluded(field, f))
            {
                score -= f.Score;
                continue;
            }

            kept++;

            _findings ??= new List<InspectionFindingDetail>(4);
            if (_findings.Count >= _maxFindings)
            {
                continue;
            }

            location ??= field.ToLocation();
            name ??= field.DisplayName();
            _findings.Add(new InspectionFindingDetail
            {
                RuleId = f.RuleId,
                Category = f.Category,
                Score = f.Score,
                ParanoiaLevel = f.ParanoiaLevel,
                Location = location,
                Part = part,
                Layers = f.Layers,
                Excerpt = chars.IsEmpty
                    ? InspectionExcerpt.Create(utf8, f.Offset, f.Length, name)
                    : InspectionExcerpt.Create(chars, f.Offset, f.Length, name),
            });
        }

        if (score > 0)
        {
            Score += score;
            TotalFindings += Math.Max(kept, 1);
        }
    }
}
