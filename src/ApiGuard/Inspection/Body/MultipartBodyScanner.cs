using System.Text;
using System.Text.Unicode;
using ApiGuard.Inspection.Exclusions;
using Microsoft.Net.Http.Headers;

namespace ApiGuard.Inspection.Body;

/// <summary>
/// Scans a <c>multipart/form-data</c> body: the value of every field without a file name is inspected at <c>form:name</c>
/// (text parts only); for file fields only the file name is inspected, never the file content.
/// </summary>
internal static class MultipartBodyScanner
{
    private const int MaxBoundaryLength = 70;

    /// <summary>Reads the boundary from the content type; <see langword="false"/> when it is missing or invalid.</summary>
    public static bool TryGetBoundary(string? contentType, Span<byte> destination, out int length)
    {
        length = 0;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary);
        if (boundary.Length is 0 or > MaxBoundaryLength || destination.Length < boundary.Length + 2)
        {
            return false;
        }

        destination[0] = (byte)'-';
        destination[1] = (byte)'-';
        for (var i = 0; i < boundary.Length; i++)
        {
            var c = boundary[i];
            if (c > 0x7E || c < 0x20)
            {
                return false;
            }

            destination[i + 2] = (byte)c;
        }

        length = boundary.Length + 2;
        return true;
    }

    /// <param name="body">The buffered body.</param>
    /// <param name="delimiter"><c>--</c> followed by the boundary.</param>
    /// <param name="complete">Whether <paramref name="body"/> is the whole body (a missing close delimiter is then malformed).</param>
    /// <param name="scan">The request's scan.</param>
    public static BodyScanStatus Scan(ReadOnlySpan<byte> body, ReadOnlySpan<byte> delimiter, bool complete, InspectionScan scan)
    {
        // Preamble, then the first delimiter.
        var first = body.IndexOf(delimiter);
        if (first < 0)
        {
            return complete ? BodyScanStatus.Malformed : BodyScanStatus.Ok;
        }

        var rest = body[(first + delimiter.Length)..];
        while (!scan.ShouldStop)
        {
            if (rest.StartsWith("--"u8))
            {
                return BodyScanStatus.Ok;
            }

            var lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return complete ? BodyScanStatus.Malformed : BodyScanStatus.Ok;
            }

            rest = rest[(lineEnd + 2)..];
            var headersEnd = rest.IndexOf("\r\n\r\n"u8);
            ReadOnlySpan<byte> headers;
            if (headersEnd < 0)
            {
                if (rest.StartsWith("\r\n"u8))
                {
                    headers = default;
                    rest = rest[2..];
                }
                else
                {
                    return complete ? BodyScanStatus.Malformed : BodyScanStatus.Ok;
                }
            }
            else
            {
                headers = rest[..headersEnd];
                rest = rest[(headersEnd + 4)..];
            }

            var next = IndexOfDelimiter(rest, delimiter);
            var partComplete = next >= 0;
            var content = partComplete ? rest[..next] : rest;
            if (!partComplete && complete)
            {
                return BodyScanStatus.Malformed;
            }

            var status = ScanPart(headers, content, scan);
            if (status != BodyScanStatus.Ok || !partComplete)
            {
                return status;
            }

            rest = rest[(next + 2 + delimiter.Length)..];
        }

        return BodyScanStatus.Ok;
    }

    private static int IndexOfDelimiter(ReadOnlySpan<byte> span, ReadOnlySpan<byte> delimiter)
    {
        var offset = 0;
        while (true)
        {
            var i = span[offset..].IndexOf("\r\n"u8);
            if (i < 0)
            {
                return -1;
            }

            var at = offset + i;
            if (span[(at + 2)..].StartsWith(delimiter))
            {
                return at;
            }

            offset = at + 2;
        }
    }

    private static BodyScanStatus ScanPart(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> content, InspectionScan scan)
    {
        ReadOnlySpan<byte> name = default;
        ReadOnlySpan<byte> fileName = default;
        var hasFileName = false;
        var textual = true;
        while (!headers.IsEmpty)
        {
            var end = headers.IndexOf("\r\n"u8);
            var line = end < 0 ? headers : headers[..end];
            headers = end < 0 ? default : headers[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var headerName = line[..colon].Trim((byte)' ');
            var headerValue = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(headerName, "Content-Disposition"u8))
            {
                ParseDisposition(headerValue, ref name, ref fileName, ref hasFileName);
            }
            else if (Ascii.EqualsIgnoreCase(headerName, "Content-Type"u8))
            {
                textual = IsTextual(headerValue);
            }
        }

        if (!Utf8.IsValid(name) || !Utf8.IsValid(fileName))
        {
            return BodyScanStatus.InvalidUtf8;
        }

        var field = new InspectionField(InspectionFieldKind.Form, default, name);
        scan.Inspect(name, ValueSource.Form, field, InspectionValuePart.Name);
        if (hasFileName)
        {
            scan.Inspect(fileName, ValueSource.Form, field, InspectionValuePart.FileName);
            return BodyScanStatus.Ok;
        }

        if (!textual)
        {
            return BodyScanStatus.Ok;
        }

        if (!Utf8.IsValid(content))
        {
            return BodyScanStatus.InvalidUtf8;
        }

        scan.Inspect(content, ValueSource.Form, field);
        return BodyScanStatus.Ok;
    }

    private static bool IsTextual(ReadOnlySpan<byte> contentType)
    {
        var semicolon = contentType.IndexOf((byte)';');
        var media = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim((byte)' ');
        return media.StartsWith("text/"u8) || Ascii.EqualsIgnoreCase(media, "application/json"u8) ||
            Ascii.EqualsIgnoreCase(media, "application/xml"u8) || Ascii.EqualsIgnoreCase(media, "application/x-www-form-urlencoded"u8);
    }

    private static void ParseDisposition(ReadOnlySpan<byte> value, ref ReadOnlySpan<byte> name, ref ReadOnlySpan<byte> fileName, ref bool hasFileName)
    {
        while (!value.IsEmpty)
        {
            var semicolon = IndexOfUnquoted(value, (byte)';');
            var parameter = (semicolon < 0 ? value : value[..semicolon]).Trim((byte)' ');
            value = semicolon < 0 ? default : value[(semicolon + 1)..];
            var eq = parameter.IndexOf((byte)'=');
            if (eq <= 0)
            {
                continue;
            }

            var key = parameter[..eq].Trim((byte)' ');
            var v = parameter[(eq + 1)..].Trim((byte)' ');
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"')
            {
                v = v[1..^1];
            }

            if (Ascii.EqualsIgnoreCase(key, "name"u8))
            {
                name = v;
            }
            else if (Ascii.EqualsIgnoreCase(key, "filename"u8) || Ascii.EqualsIgnoreCase(key, "filename*"u8))
            {
                fileName = v;
                hasFileName = true;
            }
        }
    }

    private static int IndexOfUnquoted(ReadOnlySpan<byte> span, byte target)
    {
        var quoted = false;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (b == '"')
            {
                quoted = !quoted;
            }
            else if (b == target && !quoted)
            {
                return i;
            }
        }

        return -1;
    }
}
