using System.Buffers;
using System.Text.Unicode;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Inspection.Body;

/// <summary>
/// Scans an <c>application/x-www-form-urlencoded</c> body: each name and value is percent-decoded once (and <c>+</c> read as a space),
/// as the server does for the query string, then inspected at <c>form:name</c>.
/// </summary>
internal static class FormBodyScanner
{
    public static BodyScanStatus Scan(ReadOnlySpan<byte> body, InspectionScan scan)
    {
        if (body.IsEmpty)
        {
            return BodyScanStatus.Ok;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            while (!body.IsEmpty && !scan.ShouldStop)
            {
                var amp = body.IndexOf((byte)'&');
                var pair = amp < 0 ? body : body[..amp];
                body = amp < 0 ? default : body[(amp + 1)..];
                if (pair.IsEmpty)
                {
                    continue;
                }

                var eq = pair.IndexOf((byte)'=');
                var rawName = eq < 0 ? pair : pair[..eq];
                var rawValue = eq < 0 ? default : pair[(eq + 1)..];
                var nameLength = UrlDecode(rawName, scratch);
                var valueLength = UrlDecode(rawValue, scratch.AsSpan(nameLength));
                var name = scratch.AsSpan(0, nameLength);
                var value = scratch.AsSpan(nameLength, valueLength);
                if (!Utf8.IsValid(name) || !Utf8.IsValid(value))
                {
                    return BodyScanStatus.InvalidUtf8;
                }

                var field = new InspectionField(InspectionFieldKind.Form, default, name);
                scan.Inspect(name, ValueSource.Form, field, InspectionValuePart.Name);
                scan.Inspect(value, ValueSource.Form, field);
            }

            return BodyScanStatus.Ok;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Percent-decodes once, <c>+</c> as space; invalid escapes are kept as they are. Returns the bytes written.</summary>
    internal static int UrlDecode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var w = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (b == '+')
            {
                destination[w++] = (byte)' ';
            }
            else if (b == '%' && i + 2 < source.Length && IsHex(source[i + 1]) && IsHex(source[i + 2]))
            {
                destination[w++] = (byte)((HexValue(source[i + 1]) << 4) | HexValue(source[i + 2]));
                i += 2;
            }
            else
            {
                destination[w++] = b;
            }
        }

        return w;
    }

    private static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 5;

    private static int HexValue(byte b) => (uint)(b - '0') <= 9 ? b - '0' : (b | 0x20) - 'a' + 10;
}
