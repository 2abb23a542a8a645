using System.Buffers;

namespace ApiGuard.Inspection.Body;

/// <summary>
/// Remembers the short values of one body that the inspector found clean, so a value repeated in the same body (every
/// object of an array repeats its property names, and enumerations repeat their values) is inspected once. Exact: a hit
/// needs the same bytes (compared in full, so a hash collision cannot smuggle a value past inspection), the same value
/// source and the same field type; only verdicts without any finding are kept. A value is remembered the second time it is
/// found clean (a filter of the hashes seen once decides), so values that occur once (ids, e-mail addresses) do not evict the
/// ones that repeat; each value has two candidate slots, so two repeated values rarely evict each other. Bounded: 256
/// entries of up to 96 bytes and 1024 seen-once hashes in pooled arrays, so memory is fixed whatever the body holds.
/// </summary>
internal sealed class CleanValueMemo : IDisposable
{
    /// <summary>The longest value remembered; longer values are rarely repeated and cost more to compare.</summary>
    public const int MaxLength = 96;

    private const int Slots = 256;
    private const int SeenSlots = 1024;
    private byte[] _data;
    private int[] _meta;
    private int[] _seen;

    public CleanValueMemo()
    {
        _data = ArrayPool<byte>.Shared.Rent(Slots * MaxLength);
        _meta = ArrayPool<int>.Shared.Rent(Slots * 2);
        _seen = ArrayPool<int>.Shared.Rent(SeenSlots);
        Clear();
    }

    /// <summary>Forgets everything (a new body).</summary>
    public void Clear()
    {
        Array.Clear(_meta, 0, Slots * 2);
        Array.Clear(_seen, 0, SeenSlots);
    }

    /// <summary>Whether <paramref name="value"/> with this source and field type was found clean before in this body.</summary>
    public bool Contains(ReadOnlySpan<byte> value, ValueSource source, FieldType type)
    {
        if (value.Length > MaxLength || _meta.Length == 0)
        {
            return false;
        }

        var hash = Hash(value, source, type);
        var tag = Tag(value.Length, source, type);
        return Holds(First(hash), hash, tag, value) || Holds(Second(hash), hash, tag, value);
    }

    /// <summary>
    /// Notes a value the inspector found clean; from its second time on, remembers it (in a free candidate slot, else
    /// replacing one of the two).
    /// The seen-once filter holds hashes only: a collision there just remembers a value one sighting early, and a remembered
    /// value is still matched on its full bytes.
    /// </summary>
    public void Add(ReadOnlySpan<byte> value, ValueSource source, FieldType type)
    {
        if (value.Length > MaxLength || _meta.Length == 0)
        {
            return;
        }

        var hash = Hash(value, source, type);
        ref var seen = ref _seen[(int)((uint)hash >> 22) & (SeenSlots - 1)];
        if (seen != hash)
        {
            seen = hash;
            return;
        }

        // Two candidate slots: a free one if there is one, else the hash picks which to replace, so two repeated values that
        // share one slot do not evict each other at every sighting.
        var first = First(hash);
        var second = Second(hash);
        var slot = _meta[2 * first] == 0 ? first : _meta[2 * second] == 0 ? second : (hash & Slots) == 0 ? first : second;
        value.CopyTo(_data.AsSpan(slot * MaxLength, MaxLength));
        _meta[2 * slot] = hash;
        _meta[(2 * slot) + 1] = Tag(value.Length, source, type);
    }

    public void Dispose()
    {
        if (_meta.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_meta);
            ArrayPool<byte>.Shared.Return(_data);
            ArrayPool<int>.Shared.Return(_seen);
            _meta = [];
            _data = [];
            _seen = [];
        }
    }

    private static int First(int hash) => hash & (Slots - 1);

    private static int Second(int hash) => (int)((uint)hash >> 12) & (Slots - 1);

    private bool Holds(int slot, int hash, int tag, ReadOnlySpan<byte> value) =>
        _meta[2 * slot] == hash && _meta[(2 * slot) + 1] == tag && value.SequenceEqual(_data.AsSpan(slot * MaxLength, value.Length));

    // Never 0, so a cleared slot matches nothing.
    private static int Tag(int length, ValueSource source, FieldType type) => 1 + length + ((int)source << 8) + ((int)type << 16);

    private static int Hash(ReadOnlySpan<byte> value, ValueSource source, FieldType type)
    {
        // HashCode is seeded per process, so an attacker cannot aim values at one slot; a collision only costs a re-inspection.
        var h = new HashCode();
        h.AddBytes(value);
        h.Add((int)source | ((int)type << 8));
        return h.ToHashCode();
    }
}
