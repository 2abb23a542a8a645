using ApiGuard.Client.Signatures.StructuredFields;

namespace ApiGuard.Client.Signatures;

/// <summary>A parameter as found in the source text.</summary>
internal struct SfRawParameter
{
    public int KeyStart;
    public int KeyLength;
    public SfRawItem Value;
}

/// <summary>Flags of a covered component's parameters (RFC 9421 §2.1, §2.2.8, §2.4).</summary>
[Flags]
internal enum ComponentFlags
{
    None = 0,
    Sf = 1,
    Key = 2,
    Bs = 4,
    Req = 8,
    Tr = 16,
    Name = 32,
}

/// <summary>One covered component identifier, as ranges into the <c>Signature-Input</c> text.</summary>
internal struct CoveredComponent
{
    public int NameStart;
    public int NameLength;
    public bool NameHasEscapes;
    public int ParamStart;
    public int ParamCount;
    public ComponentFlags Flags;
    public SfRawItem KeyParam;
    public SfRawItem NameParam;
}

/// <summary>
/// The members of a <c>Signature-Input</c> or <c>Signature</c> Dictionary (RFC 9421 §4), validated strictly against
/// RFC 8941 and recorded as ranges into the field text: nothing is allocated. Rent with <see cref="Rent"/>, give back with
/// <see cref="Return"/>.
/// </summary>
internal sealed class SignatureFieldMembers
{
    // Two per thread: a verification holds one for Signature-Input and one for Signature.
    [ThreadStatic]
    private static SignatureFieldMembers? t_cached;

    [ThreadStatic]
    private static SignatureFieldMembers? t_cached2;

    private (int LabelStart, int LabelLength, int ValueStart, int ValueEnd, bool Fits)[] _members = new (int, int, int, int, bool)[4];

    public string Source { get; private set; } = string.Empty;

    public int Count { get; private set; }

    public static SignatureFieldMembers Rent()
    {
        var cached = t_cached;
        if (cached is not null)
        {
            t_cached = null;
            return cached;
        }

        cached = t_cached2;
        if (cached is not null)
        {
            t_cached2 = null;
            return cached;
        }

        return new SignatureFieldMembers();
    }

    public static void Return(SignatureFieldMembers members)
    {
        members.Source = string.Empty;
        members.Count = 0;
        if (t_cached is null)
        {
            t_cached = members;
        }
        else
        {
            t_cached2 = members;
        }
    }

    public ReadOnlySpan<char> Label(int index) => Source.AsSpan(_members[index].LabelStart, _members[index].LabelLength);

    public int ValueStart(int index) => _members[index].ValueStart;

    public int ValueEnd(int index) => _members[index].ValueEnd;

    public int IndexOf(ReadOnlySpan<char> label)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Label(i).SequenceEqual(label))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Parses a Dictionary whose members are Inner Lists (<c>Signature-Input</c>) or Byte Sequences (<c>Signature</c>).
    /// Every member is parsed as RFC 8941 says (a bare key is Boolean true; a repeated key keeps its first place and takes its
    /// last value); the field is refused when any resulting member is not of the wanted type.
    /// </summary>
    public bool TryParse(string source, bool innerLists, int maxMembers)
    {
        Source = source;
        Count = 0;
        var reader = new SfReader(source);
        reader.Begin();
        if (reader.IsEnd)
        {
            return true;
        }

        while (true)
        {
            if (!reader.TryReadKey(out var keyStart, out var keyLength))
            {
                return false;
            }

            var valueStart = reader.Position;
            bool fits;
            if (!reader.TryConsume('='))
            {
                // A bare key is Boolean true with parameters: never an Inner List or a Byte Sequence.
                fits = false;
                if (!SkipParameters(ref reader))
                {
                    return false;
                }
            }
            else if (reader.Peek == '(')
            {
                valueStart = reader.Position;
                fits = innerLists;
                if (!SkipInnerList(ref reader))
                {
                    return false;
                }
            }
            else
            {
                valueStart = reader.Position;
                if (!reader.TryReadBareItem(out var item) || !SkipParameters(ref reader))
                {
                    return false;
                }

                fits = !innerLists && item.Kind == SfKind.ByteSequence;
            }

            var entry = (keyStart, keyLength, valueStart, reader.Position, fits);
            var existing = IndexOf(source.AsSpan(keyStart, keyLength));
            if (existing >= 0)
            {
                _members[existing] = entry;
            }
            else
            {
                if (Count == maxMembers)
                {
                    return false;
                }

                if (Count == _members.Length)
                {
                    Array.Resize(ref _members, Count * 2);
                }

                _members[Count++] = entry;
            }

            if (!reader.TryMemberSeparator(out var done))
            {
                return false;
            }

            if (done)
            {
                return AllFit();
            }
        }
    }

    /// <summary>The raw base64 text of the Byte Sequence of member <paramref name="index"/> (a <c>Signature</c> member).</summary>
    public ReadOnlySpan<char> ByteSequenceText(int index)
    {
        var reader = new SfReader(Source.AsSpan(0, ValueEnd(index)), ValueStart(index));
        reader.TryReadBareItem(out var item);
        return item.Text(Source);
    }

    private static bool SkipInnerList(ref SfReader reader)
    {
        reader.Advance();
        while (true)
        {
            reader.SkipSP();
            if (reader.TryConsume(')'))
            {
                return SkipParameters(ref reader);
            }

            if (!reader.TryReadBareItem(out _) || !SkipParameters(ref reader) || reader.Peek is not (' ' or ')'))
            {
                return false;
            }
        }
    }

    private bool AllFit()
    {
        for (var i = 0; i < Count; i++)
        {
            if (!_members[i].Fits)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SkipParameters(ref SfReader reader)
    {
        while (reader.Peek == ';')
        {
            if (!reader.TryReadParameter(out _, out _, out _))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// One parsed <c>Signature-Input</c> member: its covered components and signature parameters, as ranges into the field
/// text (RFC 9421 §4.1). Reusable: <see cref="TryParse"/> overwrites it.
/// </summary>
internal sealed class SignatureInputMember
{
    [ThreadStatic]
    private static SignatureInputMember? t_cached;

    private CoveredComponent[] _components = new CoveredComponent[12];
    private SfRawParameter[] _componentParameters = new SfRawParameter[8];
    private SfRawParameter[] _parameters = new SfRawParameter[8];
    private int _componentParameterCount;

    public string Source { get; private set; } = string.Empty;

    public int ComponentCount { get; private set; }

    public int ParameterCount { get; private set; }

    public ReadOnlySpan<CoveredComponent> Components => _components.AsSpan(0, ComponentCount);

    public ReadOnlySpan<SfRawParameter> Parameters => _parameters.AsSpan(0, ParameterCount);

    public ReadOnlySpan<SfRawParameter> ComponentParameters(in CoveredComponent component) =>
        _componentParameters.AsSpan(component.ParamStart, component.ParamCount);

    public long? Created { get; private set; }

    public long? Expires { get; private set; }

    public SfRawItem KeyId { get; private set; }

    public SfRawItem Nonce { get; private set; }

    public SfRawItem Alg { get; private set; }

    public SfRawItem Tag { get; private set; }

    public bool HasKeyId { get; private set; }

    public bool HasNonce { get; private set; }

    public bool HasAlg { get; private set; }

    public bool HasTag { get; private set; }

    public static SignatureInputMember Rent()
    {
        var cached = t_cached;
        if (cached is not null)
        {
            t_cached = null;
            return cached;
        }

        return new SignatureInputMember();
    }

    public static void Return(SignatureInputMember member)
    {
        member.Source = string.Empty;
        t_cached = member;
    }

    public ReadOnlySpan<char> ComponentName(in CoveredComponent component) => Source.AsSpan(component.NameStart, component.NameLength);

    /// <summary>Parses the inner list that starts at <paramref name="start"/> and ends at <paramref name="end"/> in <paramref name="source"/>.</summary>
    /// <returns>null on success, else why the member is invalid.</returns>
    public string? TryParse(string source, int start, int end, int maxComponents)
    {
        Source = source;
        ComponentCount = 0;
        ParameterCount = 0;
        _componentParameterCount = 0;
        Created = null;
        Expires = null;
        HasKeyId = HasNonce = HasAlg = HasTag = false;

        var reader = new SfReader(source.AsSpan(0, end), start);
        if (!reader.TryConsume('('))
        {
            return "The Signature-Input member is not an inner list.";
        }

        while (true)
        {
            reader.SkipSP();
            if (reader.TryConsume(')'))
            {
                break;
            }

            if (!reader.TryReadBareItem(out var name) || name.Kind != SfKind.String)
            {
                return "A covered component identifier is not a string.";
            }

            if (ComponentCount == maxComponents)
            {
                return "Too many covered components.";
            }

            var component = new CoveredComponent
            {
                NameStart = name.Start,
                NameLength = name.Length,
                NameHasEscapes = name.HasEscapes,
                ParamStart = _componentParameterCount,
            };
            while (reader.Peek == ';')
            {
                if (!reader.TryReadParameter(out var keyStart, out var keyLength, out var value))
                {
                    return "A component parameter is malformed.";
                }

                var key = source.AsSpan(keyStart, keyLength);
                ComponentFlags flag;
                switch (key)
                {
                    case "sf": flag = ComponentFlags.Sf; break;
                    case "bs": flag = ComponentFlags.Bs; break;
                    case "req": flag = ComponentFlags.Req; break;
                    case "tr": flag = ComponentFlags.Tr; break;
                    case "key": flag = ComponentFlags.Key; break;
                    case "name": flag = ComponentFlags.Name; break;
                    default: return "A component has an unknown parameter.";
                }

                if ((component.Flags & flag) != 0)
                {
                    return "A component parameter is repeated.";
                }

                if (flag is ComponentFlags.Key or ComponentFlags.Name)
                {
                    if (value.Kind != SfKind.String)
                    {
                        return "A component's key or name parameter is not a string.";
                    }

                    if (flag == ComponentFlags.Key)
                    {
                        component.KeyParam = value;
                    }
                    else
                    {
                        component.NameParam = value;
                    }

                    component.Flags |= flag;
                }
                else
                {
                    if (value.Kind != SfKind.Boolean)
                    {
                        return "A component flag parameter is not a boolean.";
                    }

                    if (value.Boolean)
                    {
                        component.Flags |= flag;
                    }
                }

                if (_componentParameterCount == _componentParameters.Length)
                {
                    Array.Resize(ref _componentParameters, _componentParameters.Length * 2);
                }

                _componentParameters[_componentParameterCount++] = new SfRawParameter { KeyStart = keyStart, KeyLength = keyLength, Value = value };
                component.ParamCount++;
            }

            if (ComponentCount == _components.Length)
            {
                Array.Resize(ref _components, _components.Length * 2);
            }

            _components[ComponentCount++] = component;
            if (reader.Peek is not (' ' or ')'))
            {
                return "The covered components list is malformed.";
            }
        }

        while (reader.Peek == ';')
        {
            if (!reader.TryReadParameter(out var keyStart, out var keyLength, out var value))
            {
                return "A signature parameter is malformed.";
            }

            var key = source.AsSpan(keyStart, keyLength);
            var index = -1;
            for (var i = 0; i < ParameterCount; i++)
            {
                if (source.AsSpan(_parameters[i].KeyStart, _parameters[i].KeyLength).SequenceEqual(key))
                {
                    index = i;
                    break;
                }
            }

            switch (key)
            {
                case "created" or "expires" when value.Kind != SfKind.Integer || value.Integer < 0:
                    return "The created and expires parameters must be non-negative integers.";
                case "keyid" or "nonce" or "alg" or "tag" when value.Kind != SfKind.String:
                    return "The keyid, nonce, alg and tag parameters must be strings.";
                case "created":
                    Created = value.Integer;
                    break;
                case "expires":
                    Expires = value.Integer;
                    break;
                case "keyid":
                    KeyId = value;
                    HasKeyId = true;
                    break;
                case "nonce":
                    Nonce = value;
                    HasNonce = true;
                    break;
                case "alg":
                    Alg = value;
                    HasAlg = true;
                    break;
                case "tag":
                    Tag = value;
                    HasTag = true;
                    break;
            }

            var parameter = new SfRawParameter { KeyStart = keyStart, KeyLength = keyLength, Value = value };
            if (index >= 0)
            {
                _parameters[index] = parameter;
            }
            else
            {
                if (ParameterCount == _parameters.Length)
                {
                    Array.Resize(ref _parameters, _parameters.Length * 2);
                }

                _parameters[ParameterCount++] = parameter;
            }
        }

        return reader.IsEnd ? null : "The Signature-Input member has trailing characters.";
    }
}
