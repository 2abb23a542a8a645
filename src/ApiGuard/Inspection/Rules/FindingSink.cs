namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Collects findings for one value: each rule counts once, rules above the paranoia level are ignored,
/// the caller's span receives as many findings as fit and the score counts all of them.
/// </summary>
internal ref struct FindingSink
{
    private readonly Span<InspectionFinding> _findings;
    private readonly int _paranoiaLevel;
    private readonly int _originalLength;
    private ulong _fired0;
    private ulong _fired1;
    private readonly int _stopAt;

    public FindingSink(Span<InspectionFinding> findings, int paranoiaLevel, int originalLength, int stopAtScore = 0)
    {
        _findings = findings;
        _stopAt = stopAtScore > 0 ? stopAtScore : int.MaxValue;
        _paranoiaLevel = Math.Clamp(paranoiaLevel, 1, 4);
        _originalLength = originalLength;
        Count = 0;
        Score = 0;
        Layers = DecodingLayers.None;
        Chars = CharMask.All;
    }

    /// <summary>Findings written to the caller's span.</summary>
    public int Count { get; private set; }

    /// <summary>The total anomaly score.</summary>
    public int Score { get; private set; }

    /// <summary>The decoding layers the value needed.</summary>
    public DecodingLayers Layers { get; set; }

    /// <summary>The characters of the text the detectors are looking at (set by the engine before each detector pass).</summary>
    public CharMask Chars { get; set; }

    /// <summary>
    /// Whether the score has reached the caller's stop score (<see cref="InspectionSettings.StopAtScore"/>): the verdict
    /// is settled, so detectors may skip their remaining passes. Never true when no stop score was given.
    /// </summary>
    public readonly bool Settled => Score >= _stopAt;

    /// <summary>The active paranoia level.</summary>
    public readonly int ParanoiaLevel => _paranoiaLevel;

    /// <summary>Whether a rule is active at this paranoia level (so a detector can skip work for inactive rules).</summary>
    public readonly bool IsActive(RuleKey key) => RuleCatalog.Get(key).ParanoiaLevel <= _paranoiaLevel;

    /// <summary>Whether the rule already fired for this value.</summary>
    public readonly bool HasFired(RuleKey key)
    {
        var i = (int)key;
        return i < 64 ? (_fired0 & (1UL << i)) != 0 : (_fired1 & (1UL << (i - 64))) != 0;
    }

    /// <summary>Records a match at an offset in the normalised text.</summary>
    public void Add(RuleKey key, int offset, int length)
    {
        ref readonly var rule = ref RuleCatalog.Get(key);
        if (rule.ParanoiaLevel > _paranoiaLevel || HasFired(key))
        {
            return;
        }

        var i = (int)key;
        if (i < 64)
        {
            _fired0 |= 1UL << i;
        }
        else
        {
            _fired1 |= 1UL << (i - 64);
        }

        Score += rule.Score;
        if (Count < _findings.Length)
        {
            // Offsets are exact when no decoding changed the value; otherwise the finding covers the whole value.
            var exact = Layers == DecodingLayers.None && offset >= 0 && offset + length <= _originalLength;
            _findings[Count++] = new InspectionFinding(
                rule.Id, rule.Category, rule.Score, rule.ParanoiaLevel, Layers,
                exact ? offset : 0, exact ? length : _originalLength);
        }
    }
}
