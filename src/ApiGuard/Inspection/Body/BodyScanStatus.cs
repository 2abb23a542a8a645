namespace ApiGuard.Inspection.Body;

/// <summary>The result of scanning a body.</summary>
internal enum BodyScanStatus
{
    /// <summary>Scanned (or scanning can go on with more data).</summary>
    Ok = 0,

    /// <summary>The body is not well-formed for its content type.</summary>
    Malformed = 1,

    /// <summary>The body (or a value in it) is not valid UTF-8.</summary>
    InvalidUtf8 = 2,
}

/// <summary>The body formats the middleware understands.</summary>
internal enum BodyContentKind
{
    None = 0,
    Json = 1,
    Form = 2,
    Multipart = 3,
    Xml = 4,
    Text = 5,
}

/// <summary>Classifies a request's <c>Content-Type</c>.</summary>
internal static class BodyContentTypes
{
    public static BodyContentKind Classify(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return BodyContentKind.None;
        }

        var media = contentType.AsSpan();
        var semicolon = media.IndexOf(';');
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }

        media = media.Trim();
        if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return BodyContentKind.Json;
        }

        if (media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return BodyContentKind.Form;
        }

        if (media.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return BodyContentKind.Multipart;
        }

        if (media.Equals("application/xml", StringComparison.OrdinalIgnoreCase) || media.Equals("text/xml", StringComparison.OrdinalIgnoreCase) ||
            media.EndsWith("+xml", StringComparison.OrdinalIgnoreCase))
        {
            return BodyContentKind.Xml;
        }

        if (media.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return BodyContentKind.Text;
        }

        return BodyContentKind.None;
    }
}
