using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Inspection.Body;

/// <summary>
/// Scans a JSON body with <see cref="Utf8JsonReader"/>, incrementally as it arrives (the reader state is carried between calls),
/// inspecting every property name and string value at its JSON path. Numbers, booleans and nulls cannot carry an injection
/// and are skipped. Allocates nothing on the benign path; reusable after <see cref="Reset"/>.
/// </summary>
internal sealed class JsonBodyScanner : IDisposable
{
    private readonly JsonReaderOptions _options;
    private readonly JsonPathTracker _path;
    private readonly CleanValueMemo _memo = new();
    private JsonReaderState _state;
    private byte[] _scratch;
    private int _consumed;
    private int _nextScanAt;

    public JsonBodyScanner(int maxDepth)
    {
        _options = new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow };
        _path = new JsonPathTracker(maxDepth);
        _state = new JsonReaderState(_options);
        _scratch = ArrayPool<byte>.Shared.Rent(1024);
    }

    /// <summary>How many bytes of the body have been fully scanned.</summary>
    public int Consumed => _consumed;

    /// <summary>The bytes handed to <see cref="Utf8JsonReader"/> so far, rescans included: the work done, for linearity checks.</summary>
    public long BytesExamined { get; private set; }

    public void Reset()
    {
        _path.Reset();
        _memo.Clear();
        _state = new JsonReaderState(_options);
        _consumed = 0;
        _nextScanAt = 0;
        BytesExamined = 0;
    }

    /// <summary>
    /// Scans the complete tokens of a body still arriving. A token still incomplete (a long string arriving in small chunks)
    /// is rescanned only once the unscanned part has doubled, so the total work stays linear in the body length.
    /// </summary>
    public BodyScanStatus ScanAvailable(ReadOnlySpan<byte> body, InspectionScan scan)
    {
        if (body.Length < _nextScanAt)
        {
            return BodyScanStatus.Ok;
        }

        var before = _consumed;
        var status = Scan(body, isFinal: false, scan);
        _nextScanAt = _consumed > before ? 0 : body.Length + (body.Length - _consumed);
        return status;
    }

    /// <summary>
    /// Scans <paramref name="body"/> (the whole body buffered so far) from where the previous call stopped.
    /// With <paramref name="isFinal"/>, the body is complete and anything incomplete is malformed.
    /// </summary>
    public BodyScanStatus Scan(ReadOnlySpan<byte> body, bool isFinal, InspectionScan scan)
    {
        BytesExamined += body.Length - _consumed;
        var reader = new Utf8JsonReader(body[_consumed..], isFinal, _state);
        var status = BodyScanStatus.Ok;
        try
        {
            while (!scan.ShouldStop && reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        _path.OnValue();
                        _path.Push(isArray: false);
                        break;
                    case JsonTokenType.StartArray:
                        _path.OnValue();
                        _path.Push(isArray: true);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        _path.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        {
                            var name = Unescape(ref reader);
                            if (!Utf8.IsValid(name))
                            {
                                status = BodyScanStatus.InvalidUtf8;
                                goto Done;
                            }

                            _path.SetProperty(name);
                            scan.Inspect(name, ValueSource.JsonPropertyName, InspectionField.ForJson(_path), InspectionValuePart.Name, _memo);
                            break;
                        }

                    case JsonTokenType.String:
                        {
                            _path.OnValue();
                            var value = Unescape(ref reader);
                            if (!Utf8.IsValid(value))
                            {
                                status = BodyScanStatus.InvalidUtf8;
                                goto Done;
                            }

                            scan.Inspect(value, ValueSource.JsonValue, InspectionField.ForJson(_path), InspectionValuePart.Value, _memo);
                            break;
                        }

                    default:
                        _path.OnValue();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return BodyScanStatus.Malformed;
        }
        catch (InvalidOperationException)
        {
            // An escape that does not decode (a lone surrogate in \uXXXX).
            return BodyScanStatus.Malformed;
        }

    Done:
        _consumed += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        return status;
    }

    private ReadOnlySpan<byte> Unescape(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return raw;
        }

        if (_scratch.Length < raw.Length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(raw.Length);
        }

        var written = reader.CopyString(_scratch);
        return _scratch.AsSpan(0, written);
    }

    public void Dispose()
    {
        _path.Dispose();
        _memo.Dispose();
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }
}
