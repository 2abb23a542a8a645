using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

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
    private static readonly ulong s_seed = NewSeed();

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
    public bool Contains(ReadOnlySpan<byte> value, ValueSource source, FieldType type) => Contains(value, KeyOf(value, source, type));

    /// <summary>The key of a value with its source and field type, computed once for <see cref="Contains(ReadOnlySpan{byte}, Key)"/> and <see cref="Add(ReadOnlySpan{byte}, Key)"/>.</summary>
    public Key KeyOf(ReadOnlySpan<byte> value, ValueSource source, FieldType type) =>
        value.Length > MaxLength ? default : new Key(Hash(value, s_seed ^ (ulong)(((int)source << 8) | (int)type)), Tag(value.Length, source, type));

    public bool Contains(ReadOnlySpan<byte> value, Key key) =>
        key.Tag != 0 && _meta.Length > 0 && (Holds(First(key.Hash), key.Hash, key.Tag, value) || Holds(Second(key.Hash), key.Hash, key.Tag, value));

    /// <summary>
    /// Notes a value the inspector found clean; from its second time on, remembers it (in a free candidate slot, else
    /// replacing one of the two).
    /// The seen-once filter holds hashes only: a collision there just remembers a value one sighting early, and a remembered
    /// value is still matched on its full bytes.
    /// </summary>
    public void Add(ReadOnlySpan<byte> value, ValueSource source, FieldType type) => Add(value, KeyOf(value, source, type));

    /// <inheritdoc cref="Add(ReadOnlySpan{byte}, ValueSource, FieldType)"/>
    public void Add(ReadOnlySpan<byte> value, Key key)
    {
        if (key.Tag == 0 || _meta.Length == 0)
        {
            return;
        }

        var hash = key.Hash;
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
        _meta[(2 * slot) + 1] = key.Tag;
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

    /// <summary>
    /// A seeded multiply-mix hash, eight bytes at a time (most values here are a few bytes long, where <see cref="HashCode"/>'s
    /// setup dominates). The seed is random per process (as <see cref="HashCode"/>'s is), so an attacker cannot aim values at one slot; a collision costs only a
    /// re-inspection, since a hit is confirmed on the full bytes.
    /// </summary>
    private static int Hash(ReadOnlySpan<byte> value, ulong seed)
    {
        var h = seed ^ ((ulong)value.Length * 0x9E3779B97F4A7C15UL);
        var i = 0;
        for (; i + 8 <= value.Length; i += 8)
        {
            h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(value[i..]));
        }

        if (i < value.Length)
        {
            // The last bytes, read as a word overlapping what came before when the value is long enough.
            h = Mix(h ^ (value.Length >= 8
                ? BinaryPrimitives.ReadUInt64LittleEndian(value[^8..])
                : value.Length >= 4
                    ? BinaryPrimitives.ReadUInt32LittleEndian(value) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(value[^4..]) << 32)
                    : value[0] | ((ulong)value[value.Length / 2] << 8) | ((ulong)value[^1] << 16)));
        }

        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (int)h;
    }

    private static ulong NewSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private static ulong Mix(ulong x)
    {
        x *= 0x9E3779B97F4A7C15UL;
        return x ^ (x >> 29);
    }

    /// <summary>A value's hash and tag (length, source and field type); the default key is never remembered.</summary>
    internal readonly record struct Key(int Hash, int Tag);
}
