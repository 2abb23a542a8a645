using System.Buffers;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// RFI and SSRF in URL-shaped values: each <c>scheme://</c> authority (and a bare host at the start of a value) is parsed
/// and its host classified: loopback, link-local metadata addresses and names, private ranges, integer/hex/octal IPv4
/// forms, IPv6 literals (mapped IPv4 included), internal DNS names; dangerous schemes (<c>gopher:</c>, <c>dict:</c>,
/// <c>file:</c>, <c>ldap:</c>, <c>jar:</c>); remote includes of an IP-addressed URL or a URL ending in <c>?</c>.
/// </summary>
internal static class UrlDetector
{
    private static readonly NeedleSet s_hostWords = new(
        ["localhost", "loopback", "127.", "169.254", "0.0.0.0", "metadata", ".internal", "lvh.me", "localtest.me", "kubernetes.default", "[::", "0x7f", "://", "//", "instance-data", "2130706433", "[0:0:", "file:", "gopher:", "dict:", "ldap:", "jar:", "nip.io", "sslip.io", "xip.io", "rbndr.us", "1u.ms", "\\\\", ":/\\"]);

    private static readonly SearchValues<char> s_ipv6Chars = SearchValues.Create("0123456789abcdef:.%");
    private static readonly SearchValues<char> s_blanks = SearchValues.Create(" \t\n\r");
    private static readonly SearchValues<char> s_attributeName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    // Out-of-band interaction services (by their last two labels): a host under one of these exists only to record that a
    // server or a browser reached it.
    private static readonly System.Collections.Frozen.FrozenSet<string> s_outOfBandZones = System.Collections.Frozen.FrozenSet.ToFrozenSet(
        ["oast.me", "oast.fun", "oast.online", "oast.live", "oast.site", "oast.pro", "oastify.com", "interact.sh", "interactsh.com",
         "burpcollaborator.net", "dnslog.cn", "ceye.io", "requestbin.net", "canarytokens.com", "xss.ht", "bxss.me", "pipedream.net"],
        StringComparer.Ordinal);

    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_outOfBandLookup =
        s_outOfBandZones.GetAlternateLookup<ReadOnlySpan<char>>();

    public static void Detect(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        if (OutOfBand(t, sink.Chars))
        {
            sink.Add(RuleKey.SsrfOutOfBandHost, 0, t.Length);
        }

        if (s_hostWords.IndexOfAny(t, sink.Chars) < 0)
        {
            return;
        }

        // Each URL is read up to the next blank or the next URL, whichever comes first, so the URLs of a value share its
        // characters instead of each re-reading the rest of it ("http://x/http://x/..." stays linear).
        var firstSpace = t.IndexOf(' ');
        var nextBlank = -1;
        var sawUrl = false;
        var outerQuery = -1;
        var outerEnd = -1;
        var colon = NextSchemeColon(t, 0);
        while (colon >= 0)
        {
            var i = colon + 3;
            while (i < t.Length && i - colon < 6 && t[i] is '/' or '\\')
            {
                // "http:/\\/\\127.0.0.1/": parsers skip every slash and backslash before the host.
                i++;
            }

            var s = SchemeStart(t, colon);
            var scheme = t[s..colon];
            sawUrl = true;
            var auth = Authority(t, i, out var end);
            var next = NextSchemeColon(t, Math.Max(i, end));
            if (nextBlank < end)
            {
                var b = t[end..].IndexOfAny(s_blanks);
                WorkMeter.Scanned(b, t.Length - end);
                nextBlank = b < 0 ? t.Length : end + b;
            }

            var limit = Math.Max(end, Math.Min(nextBlank, next < 0 ? t.Length : SchemeStart(t, next)));
            var url = new UrlSpan(end, limit, limit == t.Length && nextBlank == t.Length);
            // sftp to a file on the standard port is a file-transfer setting ("sftp://bankfiles.example.com:22/outbound/x.txt"); to
            // a bare host or an odd port ("sftp://evil.example:11111/") it makes the server connect out, as SSRF payload lists do.
            if ((scheme is "gopher" or "dict" or "jar" or "netdoc" or "tftp" or "file" or "expect")
                || (scheme is "sftp" or "ftp+ssh" && BareOrOddPort(auth, t[end..limit]))
                || (scheme is "ldap" or "ldaps" && !IsDirectoryUrl(t[url.Start..url.End])))
            {
                sink.Add(RuleKey.SsrfDangerousScheme, s, i - s);
            }

            // Where the URL stands: a parameter of another URL's query (an OAuth "redirect_uri=http://localhost:8080/cb", which
            // the browser follows, not the server), or a link in prose ("then open http://localhost:5173").
            var context = outerQuery >= 0 && s > outerQuery && s < outerEnd && IsRedirectParameter(t, outerQuery, s) ? UrlContext.NestedInQuery
                : s > 0 && t[s - 1] is ' ' or '\n' or '\t' or '(' or '<' or '`' && firstSpace >= 0 && firstSpace < s ? UrlContext.InProse
                : s == 1 && t[0] == '<' && limit < t.Length && t[limit - 1] == '>' && t[limit] == ' ' ? UrlContext.InProse // "<http://...> shows the flows"
                : UrlContext.Value;
            Host(t, auth, scheme, s, url, context, ref sink);
            if (end < limit && t[end] is '#' or '?' or '\\' && ConfusedAuthority(t[end..limit]) is { Length: > 0 } confused)
            {
                // "http://expected.example.com#@169.254.169.254/": parsers that take the last '@' before the path as the end of
                // the user info reach the host after it, while the allow-list check saw the one before '#'.
                Host(t, confused, scheme, s, url, context, ref sink);
                if (t[end + 1] == '@' && context == UrlContext.Value && confused.Contains('.'))
                {
                    // "http://evil.tld#@api.partner.com/", "http://evil.tld?@api.partner.com/": an authority written twice, so that
                    // the allow-list check and the HTTP client each see a different host. Nothing but a bypass writes it.
                    sink.Add(RuleKey.SsrfConfusedAuthority, s, limit - s);
                }
            }

            // The next URLs are nested in this one's query while they start before the first blank after its '?'.
            var q = t[url.Start..url.End].IndexOf('?');
            if (q >= 0 && !(outerQuery >= 0 && s < outerEnd))
            {
                outerQuery = url.Start + q;
                outerEnd = nextBlank;
            }

            colon = next;
        }

        if (!sawUrl && t.Length > 3 && t.StartsWith("//") && char.IsAsciiLetterOrDigit(t[2]))
        {
            // A scheme-relative URL ("//evil.example/inc.php?", "//127.0.0.1/admin") is fetched with the page's scheme.
            sawUrl = true;
            var auth = Authority(t, 2, out var end);
            var blank = t[end..].IndexOfAny(s_blanks);
            Host(t, auth, "http", 0, new UrlSpan(end, blank < 0 ? t.Length : end + blank, blank < 0), UrlContext.Value, ref sink);

            // The whole value names a script or text file on another host ("//evil.example/inc.php", "//evil.example/s.txt"):
            // what an include parameter fetches and runs.
            var path = t[end..];
            if (blank < 0 && auth.Contains('.') && (IsWebShellPath(path) || IsScriptPath(path) || path.EndsWith(".txt")))
            {
                sink.Add(RuleKey.RfiWebShellName, 0, t.Length);
            }
        }

        // "\\\\evil.example\\shell.txt": a UNC path, which Windows hosts fetch over SMB, to a web shell.
        if (!sawUrl && t.Length > 3 && t.StartsWith("\\\\") && char.IsAsciiLetterOrDigit(t[2]))
        {
            var hostEnd = t[2..].IndexOf('\\');
            if (hostEnd > 0 && IsWebShellPath(t[(2 + hostEnd)..]))
            {
                sink.Add(RuleKey.RfiWebShellName, 0, t.Length);
            }
        }

        // file:/etc/passwd, jar:http..., scheme without slashes.
        var f = t.IndexOf("file:/");
        if (f >= 0 && (f == 0 || !char.IsAsciiLetter(t[f - 1])))
        {
            sink.Add(RuleKey.SsrfDangerousScheme, f, 6);
        }

        // "http:127.0.0.1": a scheme without slashes in front of an internal address.
        if (!sawUrl && (t.StartsWith("http:") || t.StartsWith("https:")))
        {
            var h = t[(t.IndexOf(':') + 1)..];
            var he = h.IndexOfAny('/', '?', '#');
            var kind = Classify(he < 0 ? h : h[..he], out _);
            if (kind is HostKind.Loopback or HostKind.Metadata)
            {
                sink.Add(kind == HostKind.Metadata ? RuleKey.SsrfMetadataHost : RuleKey.SsrfLoopbackHost, 0, t.Length);
            }
        }

        if (t.StartsWith("jar:") || t.StartsWith("gopher:") || t.StartsWith("dict:"))
        {
            sink.Add(RuleKey.SsrfDangerousScheme, 0, 4);
        }

        if (!sawUrl)
        {
            // A bare host at the start of a value: "localhost/", "169.254.169.254/latest", "lvh.me/".
            var end = 0;
            while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '.' or '-' or '_'))
            {
                end++;
            }

            if (end > 0 && (end == t.Length || t[end] is '/' or ':') && !IsCidr(t, end))
            {
                var host = t[..end];
                var kind = Classify(host, out _);

                // "metadata" alone (a path segment, a field name, ?include=metadata) is a word, and "metadata.json" a file name,
                // not a host: such a name counts only with a port or a metadata API path after it.
                var counts = kind is HostKind.Metadata && LooksLikeWordOrFileName(host) ? MetadataPathFollows(t[end..])
                    : kind is not (HostKind.Public or HostKind.Ip) && (end < t.Length || kind is HostKind.Metadata);
                if (counts)
                {
                    sink.Add(kind is HostKind.Private ? RuleKey.SsrfPrivateHost : kind is HostKind.Metadata ? RuleKey.SsrfMetadataHost : RuleKey.SsrfLoopbackHost, 0, end);
                }
            }

            var meta = t.IndexOf("169.254.169.254");
            if (meta >= 0)
            {
                sink.Add(RuleKey.SsrfMetadataHost, meta, 15);
            }
        }
    }

    /// <summary>
    /// Whether a bare metadata-looking name is a word ("metadata", "instance-data") or a file name ("metadata.json"): one
    /// label, or two whose second is no internal domain. "metadata.google.internal" and "metadata.internal" stay host names.
    /// </summary>
    private static bool LooksLikeWordOrFileName(ReadOnlySpan<char> host)
    {
        var dot = host.IndexOf('.');
        if (dot < 0)
        {
            return true;
        }

        var rest = host[(dot + 1)..];
        return rest.IndexOf('.') < 0 && !char.IsAsciiDigit(host[0]) && rest is not ("internal" or "local" or "localdomain");
    }

    private static bool MetadataPathFollows(ReadOnlySpan<char> rest) =>
        rest.StartsWith(':') || rest.StartsWith("/computeMetadata", StringComparison.OrdinalIgnoreCase)
        || rest.StartsWith("/latest", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("/metadata", StringComparison.OrdinalIgnoreCase)
        || rest.StartsWith("/openstack", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the parameter that holds a nested URL names where a browser goes next ("redirect_uri=", "return_to=", "next="):
    /// a proxy's or fetcher's "url=", "src=" or "target=" is fetched by the server, and counts like the URL itself.
    /// </summary>
    private static bool IsRedirectParameter(ReadOnlySpan<char> t, int query, int s)
    {
        if (s < 2 || t[s - 1] != '=')
        {
            return false;
        }

        var from = Math.Max(query, s - 40);
        var start = t[from..(s - 1)].LastIndexOfAny('&', '?', ';');
        var name = start < 0 ? t[from..(s - 1)] : t[(from + start + 1)..(s - 1)];
        return name.Contains("redirect", StringComparison.Ordinal) || name.Contains("return", StringComparison.Ordinal) || name.Contains("callback", StringComparison.Ordinal)
            || name is "next" or "continue" or "goto" or "done" or "success_url" or "cancel_url" or "post_logout_redirect_uri" or "service" or "origin";
    }

    /// <summary>
    /// The host after an '@' that follows a fragment, query or backslash before any '/' ("#@169.254.169.254/", "?@[::1]/",
    /// "#@a@127.0.0.1/"): the host of a lenient parser's reading. Empty when there is none.
    /// </summary>
    private static ReadOnlySpan<char> ConfusedAuthority(ReadOnlySpan<char> rest)
    {
        var slash = rest.IndexOf('/');
        var head = slash < 0 ? rest : rest[..slash];
        var at = head.LastIndexOf('@');
        if (at < 0)
        {
            return default;
        }

        var host = head[(at + 1)..];
        var stop = host.IndexOfAny('?', '#', '\\');
        return stop < 0 ? host : host[..stop];
    }

    // The distinctive part of each out-of-band zone, found with a vectorised search (after the profile gate) before any host is read.
    private static readonly string[] s_outOfBandMarks = ["oast", "interact", "burpcollaborator", "dnslog", "ceye.", "requestbin", "canarytokens", "xss.ht", "bxss.", "pipedream"];

    private static bool BareOrOddPort(ReadOnlySpan<char> auth, ReadOnlySpan<char> rest)
    {
        var colon = auth.LastIndexOf(':');
        var port = colon < 0 ? default : auth[(colon + 1)..];
        return rest.TrimStart('/').IsEmpty || (!port.IsEmpty && port is not "22");
    }

    /// <summary>
    /// Whether the value names a host of an out-of-band interaction service anywhere: as the value, in a URL, a UNC path or
    /// prose ("curl x7k2p9.oast.fun"). Each occurrence of a zone's mark is widened to the host name around it and looked up.
    /// </summary>
    private static bool OutOfBand(ReadOnlySpan<char> t, in CharMask chars)
    {
        if (!chars.Has('.'))
        {
            // Every such host has a dot: most values are passed without a search.
            return false;
        }

        foreach (var mark in s_outOfBandMarks)
        {
            var k = chars.IndexOf(t, mark);
            if (k < 0)
            {
                continue;
            }

            var start = k;
            while (start > 0 && k - start < 256 && (char.IsAsciiLetterOrDigit(t[start - 1]) || t[start - 1] is '.' or '-'))
            {
                start--;
            }

            var end = k;
            while (end < t.Length && end - k < 256 && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '.' or '-'))
            {
                end++;
            }

            if (IsOutOfBandHost(t[start..end]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a host (a sub-domain) lies under one of the out-of-band services, by its last two labels.</summary>
    private static bool IsOutOfBandHost(ReadOnlySpan<char> host)
    {
        host = host.TrimEnd('.');
        var last = host.LastIndexOf('.');
        if (last <= 0)
        {
            return false;
        }

        var second = host[..last].LastIndexOf('.');
        return second >= 0 && s_outOfBandLookup.Contains(host[(second + 1)..]);
    }

    /// <summary>The position of the next "://" at or after <paramref name="from"/>, or -1 (the scan is counted).</summary>
    private static int NextSchemeColon(ReadOnlySpan<char> t, int from)
    {
        if (from >= t.Length)
        {
            return -1;
        }

        // "://", and the backslash spellings URL parsers read as slashes for web schemes: "http:\\\\host", "http:/\\/host".
        while (from < t.Length)
        {
            var k = t[from..].IndexOf(':');
            WorkMeter.Scanned(k, t.Length - from);
            if (k < 0)
            {
                return -1;
            }

            var c = from + k;
            if (c + 2 < t.Length && t[c + 1] is '/' or '\\' && t[c + 2] is '/' or '\\' && (t[c + 1] == '/' && t[c + 2] == '/' || IsWebScheme(t, c)))
            {
                return c;
            }

            from = c + 1;
        }

        return -1;
    }

    private static bool IsWebScheme(ReadOnlySpan<char> t, int colon)
    {
        var scheme = t[SchemeStart(t, colon)..colon];
        return scheme is "http" or "https" or "ftp" or "ws" or "wss" or "file";
    }

    /// <summary>Where the scheme before the "://" at <paramref name="colon"/> starts (at most 32 characters back).</summary>
    private static int SchemeStart(ReadOnlySpan<char> t, int colon)
    {
        var s = colon;
        while (s > 0 && colon - s < 32 && (char.IsAsciiLetterOrDigit(t[s - 1]) || t[s - 1] is '+' or '.' or '-'))
        {
            s--;
        }

        return s;
    }

    /// <summary>What follows a URL's authority, up to the next blank or the next URL; <see cref="ToEnd"/> when that is the value's end.</summary>
    private readonly record struct UrlSpan(int Start, int End, bool ToEnd);

    private static ReadOnlySpan<char> Authority(ReadOnlySpan<char> t, int from, out int end)
    {
        end = from;
        while (end < t.Length && t[end] is not ('/' or '?' or '#' or '\\' or ' ' or '"' or '\'' or '<' or '>' or '\t' or '\n' or '\r' or '|' or '`'))
        {
            end++;
        }

        var auth = t[from..end];
        var at = auth.LastIndexOf('@');
        if (at >= 0)
        {
            auth = auth[(at + 1)..];
        }

        return auth;
    }

    private enum UrlContext
    {
        Value,
        NestedInQuery,
        InProse,
    }

    /// <summary>
    /// Whether a scheme is one that server-side fetchers and the SSRF gadgets they reach speak. A device address
    /// ("plc://10.0.20.242/DB24", "opc.tcp://10.1.2.3:4840") names a private host by design.
    /// </summary>
    private static bool IsFetchScheme(ReadOnlySpan<char> scheme) =>
        scheme is "http" or "https" or "ftp" or "ftps" or "gopher" or "dict" or "file" or "ldap" or "ldaps" or "tftp" or "ws" or "wss" or "jar"
            or "netdoc" or "sftp" or "smb" or "telnet" or "expect" or "ftp+ssh" or "php" or "phar" or "ssh2.exec" or "ogg" or "rar" or "zip"
            || scheme.IsEmpty;

    /// <summary>A database or message broker's connection URL ("postgres://app@localhost/dev"): a setting, not a fetch.</summary>
    private static bool IsDataStoreScheme(ReadOnlySpan<char> scheme) =>
        scheme is "postgres" or "postgresql" or "mysql" or "mariadb" or "mongodb" or "mongodb+srv" or "redis" or "rediss" or "amqp" or "amqps"
            or "mqtt" or "mqtts" or "sqlserver" or "oracle" or "cassandra" or "nats" or "kafka";

    /// <summary>
    /// Whether what follows an LDAP URL's authority is a directory's distinguished name ("/DC=corp,DC=example",
    /// "/ou=people,dc=example,dc=org?uid"): a directory setting. A JNDI lookup names a class or an object ("/Exploit", "/a").
    /// </summary>
    private static bool IsDirectoryUrl(ReadOnlySpan<char> rest)
    {
        if (!rest.StartsWith('/'))
        {
            return false;
        }

        var dn = rest[1..];
        var eq = dn.IndexOf('=');
        return eq is > 0 and <= 16 && !dn[..eq].ContainsAnyExcept(s_attributeName) && (dn.Contains("dc=", StringComparison.Ordinal) || dn.Contains("o=", StringComparison.Ordinal));
    }

    private static void Host(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<char> auth, scoped ReadOnlySpan<char> scheme, int urlStart, UrlSpan url, UrlContext context, ref FindingSink sink)
    {
        var end = url.Start;
        scoped ReadOnlySpan<char> host;
        if (auth.StartsWith('['))
        {
            var close = auth.IndexOf(']');
            host = close > 0 ? auth[..(close + 1)] : auth;
        }
        else
        {
            var colons = auth.Count(':');
            host = colons == 1 ? auth[..auth.IndexOf(':')] : auth;
        }

        var kind = Classify(host, out var encoded);
        // Metadata endpoints count whatever the scheme and place; loopback and private addresses only where a server would fetch
        // them: a fetchable scheme, in the value itself (not as a redirect parameter of another URL, nor a link in prose).
        var fetched = IsFetchScheme(scheme) && context == UrlContext.Value;
        var key = kind switch
        {
            HostKind.Loopback when context == UrlContext.Value && !IsDataStoreScheme(scheme) => RuleKey.SsrfLoopbackHost,
            HostKind.Metadata => RuleKey.SsrfMetadataHost,
            HostKind.Private when fetched => RuleKey.SsrfPrivateHost,
            _ => (RuleKey?)null,
        };
        if (key is { } k)
        {
            sink.Add(k, urlStart, end - urlStart);
        }

        if (encoded)
        {
            sink.Add(RuleKey.SsrfEncodedIp, urlStart, end - urlStart);
        }

        // A URL that runs to the value's end without a blank has nothing after it; otherwise what follows is not its path.
        var rest = t[url.Start..url.End];
        if (kind is HostKind.Ip && scheme is "http" or "https" or "ftp" or "ftps")
        {
            sink.Add(RuleKey.RfiIpHost, urlStart, end - urlStart);
        }

        // The URL is the whole value (what an include parameter receives), or assigned to an include parameter ("page=http://...");
        // a link in prose is someone's reference to a file. A script fetched over FTP, or handed to a parameter that names a page,
        // language, theme or template, is code to include. So is a value that is nothing but a remote script's address, without
        // a query or fragment ("https://host/x.php", "http://host/t.xsl"): what an include parameter is sent, while the links
        // that API values carry to a site's pages name them with a query or not by a script file at all.
        if (scheme is "http" or "https" or "ftp" or "ftps" or "smb" && url.ToEnd
            && (urlStart == 0 || IncludeParameterBefore(t, urlStart))
            && (IsWebShellPath(rest) || (IsScriptPath(rest) && (scheme is "ftp" or "ftps" or "smb" || urlStart > 0 || rest.IndexOfAny('?', '#') < 0))))
        {
            sink.Add(RuleKey.RfiWebShellName, urlStart, t.Length - urlStart);
        }

        // A remote include cut short: "http://x/shell.txt?" (or "??"), "http://x/shell.txt#" and "http://x/r57.txt%00" end the path
        // there, so whatever the application appends (".php") is dropped.
        if (scheme is "http" or "https" or "ftp" or "ftps" && context != UrlContext.InProse
            && ((url.ToEnd && ((rest.EndsWith('?') && rest[rest.IndexOf('?')..].IndexOfAnyExcept('?') < 0) || (rest.EndsWith('#') && rest.Length > 1 && rest.IndexOfAny('?', '#') == rest.Length - 1)
                    || ExtensionQuery(rest) || DanglingParameter(rest)))
                || sink.HasFired(RuleKey.EncodingNul)))
        {
            sink.Add(RuleKey.RfiTrailingQuestionMark, urlStart, t.Length - urlStart);
        }
    }

    private enum HostKind
    {
        Public,
        Ip,
        Loopback,
        Metadata,
        Private,
    }

    /// <summary>
    /// Whether the URL's path names a well-known web shell as a script or as text to include ("/c99.php", "/r57.txt",
    /// "/shell.php", "/b374k.phtml"): what a remote file inclusion fetches. Other file names, and these names as folders or
    /// with other extensions ("/shell.png", "/docs/shell/"), are not.
    /// </summary>
    private static bool IsWebShellPath(ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOfAny('?', '#');
        var path = end < 0 ? rest : rest[..end];
        var slash = path.LastIndexOfAny('/', '\\');
        if (slash < 0)
        {
            return false;
        }

        var file = path[(slash + 1)..];
        var dot = file.LastIndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        var ext = file[(dot + 1)..];
        if (!(ext is "txt" or "phtml" or "jsp" or "jspx" or "asp" or "aspx" or "pl" or "cgi" || (ext.StartsWith("php") && ext.Length <= 4)))
        {
            return false;
        }

        if (end >= 0 && rest[end] == '?' && ext is not "txt" && HasCommandParameter(rest[(end + 1)..]))
        {
            // "/inc.php?cmd=id": a script handed a command to run.
            return true;
        }

        var name = file[..dot];
        return name is "c99" or "c100" or "r57" or "r58" or "wso" or "wso2" or "b374k" or "shell" or "webshell" or "backdoor" or "cmd" or "cmdshell"
            or "phpshell" or "c99shell" or "r57shell" or "revshell" or "reverse-shell" or "php-reverse-shell" or "indoxploit" or "alfa" or "priv8";
    }

    /// <summary>Whether the URL at <paramref name="urlStart"/> is the value of an include-style parameter that starts the value: "lang=", "page=".</summary>
    private static bool IncludeParameterBefore(ReadOnlySpan<char> t, int urlStart)
    {
        if (urlStart < 2 || t[urlStart - 1] != '=')
        {
            return false;
        }

        var name = t[..(urlStart - 1)];
        return name is "page" or "file" or "lang" or "language" or "theme" or "template" or "tpl" or "include" or "inc" or "path" or "dir" or "module"
            or "mod" or "load" or "doc" or "document" or "folder" or "style" or "skin" or "layout" or "view" or "content" or "conf" or "config" or "cat"
            or "pg" or "show" or "site" or "locale" or "plugin" or "action" or "src" or "url";
    }

    /// <summary>Whether the URL's path ends in a server-side script or an include ("/fr.php", "/t.phtml", "/x.jsp", "/a.inc", "/s.xsl").</summary>
    private static bool IsScriptPath(ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOfAny('?', '#');
        var path = end < 0 ? rest : rest[..end];
        var dot = path.LastIndexOf('.');
        if (dot < 0 || path[dot..].IndexOf('/') >= 0)
        {
            return false;
        }

        var ext = path[(dot + 1)..];
        return ext is "phtml" or "phar" or "inc" or "jsp" or "jspx" or "asp" or "aspx" or "cgi" or "pl" or "xsl" or "xslt"
            || (ext.StartsWith("php") && ext.Length <= 4 && !ext[3..].ContainsAnyExceptInRange('0', '9'));
    }

    /// <summary>Whether a query has a parameter named for a command ("cmd=id", "exec=whoami") with a value.</summary>
    private static bool HasCommandParameter(ReadOnlySpan<char> query)
    {
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var eq = pair.IndexOf('=');
            if (eq > 0 && eq < pair.Length - 1 && pair[..eq] is "cmd" or "exec" or "command" or "execute" or "shell")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a script or text file's query is one parameter left empty at the end ("/template.php?x=", "/shell.txt?a="): the
    /// value the application appends completes a parameter and is dropped from the included path.
    /// </summary>
    private static bool DanglingParameter(ReadOnlySpan<char> rest)
    {
        var q = rest.IndexOf('?');
        if (q < 0 || !rest.EndsWith('=') || (!IsScriptPath(rest) && !rest[..q].EndsWith(".txt")))
        {
            return false;
        }

        var name = rest[(q + 1)..^1];
        return name.Length is > 0 and <= 16 && !name.ContainsAnyExcept(s_attributeName);
    }

    /// <summary>Whether the query is a bare file extension ("shell.jpg?.php", "shell?.txt"): the name the include needs, after a '?'.</summary>
    private static bool ExtensionQuery(ReadOnlySpan<char> rest)
    {
        var q = rest.IndexOf('?');
        if (q < 0 || q + 2 >= rest.Length || rest[q + 1] != '.')
        {
            return false;
        }

        var ext = rest[(q + 2)..];
        return ext.Length <= 5 && !ext.ContainsAnyExceptInRange('a', 'z');
    }

    /// <summary>Whether an address is followed by a prefix length and nothing else: "10.0.0.0/8", "192.168.1.0/24" (a network, not a URL).</summary>
    private static bool IsCidr(ReadOnlySpan<char> t, int end)
    {
        if (end >= t.Length || t[end] != '/' || !char.IsAsciiDigit(t[0]))
        {
            return false;
        }

        var bits = t[(end + 1)..];
        return bits.Length is 1 or 2 or 3 && !bits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>The last four dash-separated numbers of a wildcard-DNS host's last label ("app-10-0-0-1" gives "10-0-0-1"), or empty.</summary>
    private static ReadOnlySpan<char> Dashed(ReadOnlySpan<char> host)
    {
        var label = host[(host.LastIndexOf('.') + 1)..];
        var cut = label.Length;
        for (var n = 0; n < 4; n++)
        {
            cut = cut <= 0 ? -1 : label[..cut].LastIndexOf('-');
            if (n < 3 && cut < 0)
            {
                return default;
            }
        }

        var tail = label[(cut + 1)..];
        return tail.Length <= 15 && !tail.ContainsAnyExcept(s_dashedDigits) ? tail : default;
    }

    private static readonly SearchValues<char> s_dashedDigits = SearchValues.Create("0123456789-");

    private static bool IsWildcardDns(ReadOnlySpan<char> host) => host.EndsWith(".nip.io") || host.EndsWith(".sslip.io") || host.EndsWith(".xip.io");

    private static HostKind Classify(ReadOnlySpan<char> host, out bool encoded)
    {
        encoded = false;
        host = host.TrimEnd('.');
        if (host.IsEmpty)
        {
            return HostKind.Public;
        }

        if (host is "localhost" || host.EndsWith(".localhost") || host.StartsWith("localhost.") || host is "localhost4" or "localhost6"
            || host.StartsWith("localhost4.") || host.StartsWith("localhost6.") || host is "ip6-localhost" or "ip6-loopback" or "ipv6-localhost" or "ipv6-loopback"
            || host is "lvh.me" || host.EndsWith(".lvh.me") || host is "localtest.me" || host.EndsWith(".localtest.me")
            || host.EndsWith(".docker.internal") || host.EndsWith(".containers.internal") || host is "host.docker.internal"
            || host.StartsWith("kubernetes.default") || host.EndsWith(".svc.cluster.local") || host is "0")
        {
            return HostKind.Loopback;
        }

        if (host is "metadata" or "metadata.google.internal" or "instance-data" or "metadata.azure.com" || host.StartsWith("instance-data.")
            || host.StartsWith("metadata.") || host.StartsWith("169.254.169.254") || host.StartsWith("100.100.100.200"))
        {
            return HostKind.Metadata;
        }

        if (host.StartsWith('['))
        {
            var v6 = host.Trim("[]");
            if (v6 is "::1" or "::" or "0:0:0:0:0:0:0:1" or "0:0:0:0:0:0:0:0" || v6.StartsWith("::ffff:127.") || v6.StartsWith("::ffff:7f")
                || v6.StartsWith("0:0:0:0:0:ffff:7f") || v6.StartsWith("0:0:0:0:0:ffff:127.") || v6.StartsWith("::127."))
            {
                return HostKind.Loopback;
            }

            if (v6.StartsWith("fd00:ec2::254") || v6.StartsWith("::ffff:169.254.") || v6.StartsWith("::ffff:a9fe"))
            {
                return HostKind.Metadata;
            }

            return v6.StartsWith("fe80") || v6.StartsWith("fc") || v6.StartsWith("fd") ? HostKind.Private : HostKind.Ip;
        }

        // Names that resolve only inside a network: service discovery and private zones ("vault.internal", "redis.svc",
        // "consul.service.consul", "fs01.corp").
        if (host.EndsWith(".internal") || host.EndsWith(".consul") || host.EndsWith(".svc") || host.EndsWith(".cluster.local")
            || host.EndsWith(".local") || host.EndsWith(".localdomain") || host.EndsWith(".intranet") || host.EndsWith(".corp") || host.EndsWith(".lan")
            || host.EndsWith(".home.arpa"))
        {
            return HostKind.Private;
        }

        // DNS-rebinding services answer with an address named in the host ("7f000001.c0a80001.rbndr.us", "make-127.0.0.1-rebind.1u.ms").
        if (host.EndsWith(".rbndr.us") || host.EndsWith(".1u.ms"))
        {
            return HostKind.Loopback;
        }

        // nip.io style: 127.0.0.1.nip.io
        if (IsWildcardDns(host))
        {
            // Every suffix off first ("x.nip.io.nip.io..."), so the classification below recurses once, not once per suffix.
            do
            {
                host = host[..^(host.EndsWith(".sslip.io") ? 9 : 7)];
            }
            while (IsWildcardDns(host));

            var labels = host.Count('.');
            if (labels > 3 && !TryIPv4(host, out _, out _))
            {
                // "nip.io.127.0.0.1.nip.io": the service answers with the last four labels before its name.
                var cut = host.Length;
                for (var n = 0; n < 4; n++)
                {
                    cut = host[..cut].LastIndexOf('.');
                }

                host = host[(cut + 1)..];
            }

            if (Dashed(host) is { Length: > 0 } dashed)
            {
                // "127-0-0-1.nip.io", "app-169-254-169-254.nip.io": the dashed spelling of the address, in the last label.
                Span<char> dotted = stackalloc char[15];
                dashed.CopyTo(dotted);
                dotted[..dashed.Length].Replace('-', '.');
                return Classify(dotted[..dashed.Length], out _);
            }

            return Classify(host, out _);
        }

        if (host.Count(':') >= 2)
        {
            // Unbracketed IPv6 (hex digits, colons and a dotted tail); "node()[not(self::comment())]" of an XPath is no address.
            return host.ContainsAnyExcept(s_ipv6Chars) ? HostKind.Public : host is "::1" ? HostKind.Loopback : HostKind.Ip;
        }

        if (!TryIPv4(host, out var ip, out encoded))
        {
            return HostKind.Public;
        }

        var a = ip >> 24;
        var b = (ip >> 16) & 0xFF;
        if (a == 127 || ip == 0)
        {
            return HostKind.Loopback;
        }

        if (a == 169 && b == 254)
        {
            return HostKind.Metadata;
        }

        if (a == 10 || (a == 172 && b is >= 16 and <= 31) || (a == 192 && b == 168) || (a == 100 && b is >= 64 and <= 127))
        {
            return HostKind.Private;
        }

        return HostKind.Ip;
    }

    /// <summary>Parses dotted, integer, hex and octal IPv4 forms (inet_aton rules); <paramref name="encoded"/> is set for non-dotted-decimal forms.</summary>
    private static bool TryIPv4(ReadOnlySpan<char> host, out uint ip, out bool encoded)
    {
        ip = 0;
        encoded = false;
        Span<ulong> parts = stackalloc ulong[4];
        var n = 0;
        foreach (var range in host.Split('.'))
        {
            var p = host[range];
            if (n == 4 || p.IsEmpty)
            {
                return false;
            }

            ulong v = 0;
            if (p.Length > 2 && p[0] == '0' && p[1] == 'x')
            {
                encoded = true;
                foreach (var c in p[2..])
                {
                    var h = Decoding.Normalizer.HexValue(c);
                    if (h < 0 || v > 0xFFFFFFFF)
                    {
                        return false;
                    }

                    v = (v << 4) | (uint)h;
                }
            }
            else if (p.Length > 1 && p[0] == '0')
            {
                encoded = true;
                foreach (var c in p[1..])
                {
                    if (c is < '0' or > '7' || v > 0xFFFFFFFF)
                    {
                        return false;
                    }

                    v = (v << 3) | (uint)(c - '0');
                }
            }
            else
            {
                foreach (var c in p)
                {
                    if (!char.IsAsciiDigit(c) || v > 0xFFFFFFFF)
                    {
                        return false;
                    }

                    v = (v * 10) + (uint)(c - '0');
                }
            }

            parts[n++] = v;
        }

        if (n == 0)
        {
            return false;
        }

        if (n < 4)
        {
            encoded = true;
        }

        ulong result;
        switch (n)
        {
            case 1:
                result = parts[0];
                if (result < 0x1000000)
                {
                    // A small bare number is not an address.
                    return false;
                }

                break;
            case 2:
                result = (parts[0] << 24) | parts[1];
                break;
            case 3:
                result = (parts[0] << 24) | (parts[1] << 16) | parts[2];
                break;
            default:
                if (parts[0] > 255 || parts[1] > 255 || parts[2] > 255 || parts[3] > 255)
                {
                    return false;
                }

                result = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3];
                break;
        }

        if (result > 0xFFFFFFFF)
        {
            return false;
        }

        ip = (uint)result;
        return true;
    }
}
