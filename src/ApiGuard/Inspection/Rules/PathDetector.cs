using System.Buffers;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Path traversal and local file inclusion after normalisation (so <c>%2e%2e%2f</c>, <c>%c0%ae</c> and <c>..%5c</c> arrive as
/// dots and slashes): traversal steps, sensitive system files, restricted dot-files and directories of tools and
/// version control, and shell globs spelling a sensitive path (<c>/etc/pa[s]swd</c>).
/// </summary>
internal static class PathDetector
{
    private static readonly SearchValues<char> s_gate = SearchValues.Create("./\\");
    private static readonly CharMask s_gateMask = CharMask.Set("./\\");

    private static readonly NeedleSet s_sensitive = new(
        [
            "etc/passwd", "etc/shadow", "etc/group", "etc/hosts", "etc/issue", "etc/motd", "etc/sudoers", "etc/crontab", "etc/master.passwd",
            "etc/security/", "etc/mysql/", "etc/httpd/", "etc/apache2/", "etc/nginx/", "etc/ssh/", "proc/self/", "proc/version", "proc/cpuinfo",
            "proc/meminfo", "proc/net/", "proc/sched_debug", "proc/mounts", "proc/interrupts", "proc/1/", "sys/class", "sys/kernel/", "sys/power/", "sys/devices/",
            "win.ini", "boot.ini", "system.ini", "winnt/", "system32/config", "system32\\config",
            "inetpub/", "inetpub\\", "var/log/apache", "var/log/httpd", "var/log/nginx", "var/log/auth.log", "var/log/secure", "var/log/messages",
            "var/log/syslog", "var/log/mail", "var/log/vsftpd", "var/log/sshd", "var/log/lastlog", "var/log/wtmp", "var/log/btmp", "var/log/dmesg",
            "var/log/kern", "var/log/audit/", "var/lib/mysql", "/root/", ".htaccess", ".htpasswd", ".bash_history", ".bashrc", ".zsh_history",
            ".ssh/", "id_rsa", "id_dsa", "id_ed25519", "authorized_keys", "known_hosts", "web.config", "wp-config", "wp-content/debug.log",
            "wp-content/error.log", "wp-content/errors.log", "/.git/", ".git/config", ".git/head", ".svn/", ".hg/", ".aws/credentials", ".aws/config",
            ".docker/config.json", ".kube/config", ".npmrc", ".netrc", ".pgpass", ".my.cnf", ".env.", "/.env", "localsettings.php",
            "config.inc.php", "/etc/", "/usr/local/etc/", "/dev/tcp/", "/dev/udp/", "drivers\\etc\\hosts", "drivers/etc/hosts", "web-inf/", "web-inf\\",
            "var/run/secrets/", "run/secrets/kubernetes.io", "jenkins/secrets/", "secrets/master.key",
        ]);

    // Management and diagnostics endpoints that scanners request by path: they disclose configuration, memory or a shell.
    private static readonly NeedleSet s_probePaths = new(
        [
            "/actuator/env", "/actuator/heapdump", "/actuator/gateway", "/actuator/jolokia", "/actuator/mappings", "/actuator/configprops",
            "/actuator/logfile", "/actuator/threaddump", "/server-status", "/server-info", "/phpinfo.php", "/database.yml", "/mgmt/tm/util/bash",
            "/vpns/", "/jmx-console", "/manager/html", "/.ds_store", "/cgi-bin/", "/eval-stdin.php",
        ]);

    private static readonly NeedleSet s_dotDirs = new(
        [
            "/.git", "/.svn", "/.hg", "/.bzr", "/.env", "/.aws", "/.ssh", "/.docker", "/.kube", "/.npmrc", "/.cursor", "/.aider", "/.codex",
            "/.windsurf", "/.junie", "/.fabric", "/.claude", "/.gemini", "/.continue", "/.copilot", "/.vscode", "/.idea", "/.config",
            "/.boto", "/.s3cfg", "/.gnupg", "/.bash", "/.zsh", "/.profile", "/.htaccess", "/.htpasswd", "/.ds_store", "/.cursorignore",
            "/.cursorrules", "/.clinerules", "/.roo", "/.github/copilot", "/.mcp", "/.terraform", "/.azure", "/.gcloud", "/.pypirc", "/.gem",
            "/.netrc", "/.pgpass", "/.mysql_history", "/.python_history", "/.viminfo", "/.lesshst", "/.wget-hsts", "/.composer", "/.cargo",
        ]);

    /// <summary>A relative path at least two folders deep, without traversal: "models/staging/stg_orders.sql".</summary>
    private static bool IsProjectFile(ReadOnlySpan<char> t) =>
        char.IsAsciiLetter(t[0]) && t.Count('/') >= 2 && !t.Contains("..", StringComparison.Ordinal) && !t.Contains("//", StringComparison.Ordinal) && t.IndexOfAny(':', '\\', '%') < 0;

    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (!sink.Chars.HasAny(s_gateMask, t, s_gate))
        {
            return;
        }

        if (t[0] == '/' && s_probePaths.IndexOfAny(t, sink.Chars) >= 0 && t.IndexOfAny(' ', '\t') < 0)
        {
            // A path that is a scanner's probe of a management endpoint ("/actuator/env", "/server-status", "/vpn/../vpns/...").
            sink.Add(RuleKey.LfiSensitiveFile, 0, t.Length);
        }

        // Traversal steps: "../", "..\", ".../", "..;/", "....//".
        var m = sink.Chars;
        var steps = 0;
        var first = -1;
        var i = 0;
        while (m.Has('.') && i < t.Length - 2)
        {
            var k = t[i..].IndexOf("..");
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                break;
            }

            var p = i + k;
            var j = p + 2;
            while (j < t.Length && t[j] == '.')
            {
                j++;
            }

            var semicolon = j < t.Length && t[j] == ';';
            if (semicolon)
            {
                j++;
            }

            if ((j < t.Length && t[j] is '/' or '\\') || (semicolon && (p == 0 || t[p - 1] is '/' or '\\')))
            {
                if (p == 0 || t[p - 1] is '/' or '\\' or '=' or ' ' or '"' or '\'' or ':' or '.' or '\t' or '\0')
                {
                    steps++;
                    if (first < 0)
                    {
                        first = p;
                    }
                }
            }

            i = j;
        }

        var sensitive = s_sensitive.IndexOfAny(t, sink.Chars);
        if (sensitive >= 0 && IsDeviceReading(t[sensitive..]))
        {
            // "/sys/class/thermal/thermal_zone0/temp": a device's sensor or switch, read by the telemetry that names it.
            sensitive = -1;
        }

        if (sensitive >= 0 && IsEnvTemplate(t))
        {
            // ".env.example", "config/.env.sample": the committed template of the settings, without their values.
            sensitive = -1;
        }

        if (steps >= 2 || (steps == 1 && (sensitive >= 0 || (first == 0 && !IsRelativeLink(t)))))
        {
            sink.Add(RuleKey.LfiTraversal, first, t.Length - first);
        }
        else if (steps == 1)
        {
            sink.Add(RuleKey.LfiTraversalShort, first, 3);
        }

        if (sensitive >= 0 && IsPathStart(t, sensitive) && !(steps == 0 && MentionedInSentence(t, sensitive)))
        {
            sink.Add(RuleKey.LfiSensitiveFile, sensitive, t.Length - sensitive);
        }
        else if (sensitive < 0 && t.Length <= 512 && t.Contains("/./", StringComparison.Ordinal))
        {
            // "/./proc/./self/environ": "." segments name the same directory, so the path is read without them.
            Span<char> folded = stackalloc char[t.Length];
            var n = WithoutDotSegments(t, folded);
            var f = s_sensitive.IndexOfAny(folded[..n]);
            if (f >= 0 && IsPathStart(folded[..n], f))
            {
                sink.Add(RuleKey.LfiSensitiveFile, 0, t.Length);
            }
        }

        var dot = -1;
        if (m.Has('/') && m.Has('.'))
        {
            // Every restricted directory and every hidden segment starts with "/.".
            var from = 0;
            while (from < t.Length)
            {
                var hit = s_dotDirs.IndexOfAny(t[from..], sink.Chars);
                if (hit < 0)
                {
                    break;
                }

                hit += from;
                if (!IsPublicDotFile(t, hit))
                {
                    dot = hit;
                    break;
                }

                from = hit + 2;
            }

            if (dot < 0)
            {
                dot = DotSegment(t);
            }
        }

        if (dot >= 0)
        {
            var end = dot + 2;
            while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '_' or '-' or '.'))
            {
                end++;
            }

            if (!t[dot..end].StartsWith("/.well-known") && !(steps == 0 && MentionedInSentence(t, dot)))
            {
                sink.Add(RuleKey.LfiRestrictedDotFile, dot, end - dot);
            }
        }
        else if (!IsEnvTemplate(t) && t.Length <= 40 && t[0] == '.' && t.Length > 2 && char.IsAsciiLetter(t[1]) && t.IndexOfAny(" \t/\\") < 0
            && (t.StartsWith(".env") || t.StartsWith(".git") || t.StartsWith(".ht") || t.StartsWith(".boto") || t.StartsWith(".aws")
                || t.StartsWith(".ssh") || t.StartsWith(".npmrc") || t.StartsWith(".netrc") || t.StartsWith(".bash") || t.StartsWith(".cursor")
                || t.StartsWith(".svn") || t.StartsWith(".docker") || t.StartsWith(".pgpass") || t.StartsWith(".s3cfg")))
        {
            sink.Add(RuleKey.LfiRestrictedDotFile, 0, t.Length);
        }

        // Database dumps and backups fetched by name: "backup.sql.zip", "db.sql.gz", "site.bak"; not a file two folders down a
        // project's tree ("models/staging/stg_orders.sql", a dbt model or a migration), which no web root holds.
        if (t.Length <= 64 && t.IndexOfAny(' ', '\t', '?') < 0 && !IsProjectFile(t) && (t.EndsWith(".sql") || t.Contains(".sql.", StringComparison.Ordinal) || t.EndsWith(".bak")
            || t.EndsWith(".mdb") || t.EndsWith(".sqlite") || t.EndsWith(".sqlite3") || t.EndsWith(".db.gz")))
        {
            sink.Add(RuleKey.LfiSensitiveFile, 0, t.Length);
        }

        if ((m.Has('[') || m.Has('?') || m.Has('*')) && m.Has('/'))
        {
            Globs(t, ref sink);
            // "/e[t]c/pa[s]swd"; an XPath step's position "/html/body/div[2]" is a number, not a character class.
            if (t[0] == '/' && t.IndexOfAny(" \t?={") < 0 && t.IndexOf('[') is var lb and > 0 && t[lb..].IndexOf(']') is var rb and > 1 and <= 4
                && t.Slice(lb + 1, rb - 1).ContainsAnyExceptInRange('0', '9'))
            {
                sink.Add(RuleKey.LfiGlobbedSensitivePath, 0, t.Length);
            }
        }

        // Hex-spelled traversal: 0x2e0x2e0x2f, 0x5c0x2e.
        var hx = m.IndexOf(t, "0x2e");
        if (hx >= 0 && (m.Contains(t, "0x5c") || m.Contains(t, "0x2f")))
        {
            sink.Add(RuleKey.LfiTraversal, hx, t.Length - hx);
        }
    }

    /// <summary>A hidden file or directory segment in a path ("/.zed/settings.json", "/.aiignore"), except /.well-known; -1 if none.</summary>
    private static int DotSegment(ReadOnlySpan<char> t)
    {
        if (t.IndexOfAny(' ', '\t') >= 0 || !(t[0] is '/' or '~' or '.'))
        {
            return -1;
        }

        var i = 0;
        while (i < t.Length - 2)
        {
            var k = t[i..].IndexOf("/.");
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                return -1;
            }

            var p = i + k;
            i = p + 2;
            if (p + 2 < t.Length && char.IsAsciiLetterOrDigit(t[p + 2]) && !t[(p + 2)..].StartsWith("well-known") && !IsPublicDotFile(t, p))
            {
                return p;
            }
        }

        return -1;
    }

    /// <summary>Whether the value names an environment-file template (".env.example", ".env.sample", ".env.template", ".env.dist").</summary>
    /// <summary>
    /// Whether a value that climbs one directory is a page's relative link to a static asset or page ("../images/logo.png",
    /// "../css/site.css", "../blog/2023/hello/", "../#contact"), or a notebook's to a data file ("../data/plate7.csv"): what
    /// CMS content and analysis code link to. "../config.php" or "../x" are not.
    /// </summary>
    private static bool IsRelativeLink(ReadOnlySpan<char> t)
    {
        if (!t.StartsWith("../") || t[3..].Contains("..", StringComparison.Ordinal) || t.IndexOfAny(' ', '\\', '%') >= 0)
        {
            return false;
        }

        var end = t.IndexOfAny('?', '#');
        var path = end < 0 ? t : t[..end];
        if (path.EndsWith('/') || (end == 3))
        {
            return true;
        }

        var dot = path.LastIndexOf('.');
        if (dot < 0 || path[dot..].Contains('/'))
        {
            return false;
        }

        var ext = path[(dot + 1)..];
        return ext is "png" or "jpg" or "jpeg" or "gif" or "svg" or "webp" or "ico" or "avif" or "css" or "js" or "mjs" or "map" or "html" or "htm"
            or "md" or "txt" or "pdf" or "woff" or "woff2" or "ttf" or "otf" or "mp4" or "webm" or "mp3" or "ogg" or "json"
            or "csv" or "tsv" or "parquet" or "xlsx" or "xls" or "docx" or "pptx" or "npz" or "npy" or "h5" or "hdf5" or "fits" or "tif" or "tiff" or "wav" or "flac";
    }

    private static bool IsEnvTemplate(ReadOnlySpan<char> t)
    {
        var env = t.LastIndexOf(".env.");
        if (env < 0 || t.IndexOfAny(" \t") >= 0)
        {
            return false;
        }

        var rest = t[(env + 5)..];
        return rest is "example" or "sample" or "template" or "dist" or "defaults";
    }

    /// <summary>
    /// Whether the hidden name after "/." at <paramref name="slash"/> is a repository or editor file that every project
    /// publishes (".gitignore", ".editorconfig", ".eslintrc.json"): it names files to skip or a code style, no secret.
    /// ".git/", ".env" and the ignore files of AI tools, which list what a project keeps private, stay restricted.
    /// </summary>
    private static bool IsPublicDotFile(ReadOnlySpan<char> t, int slash)
    {
        var start = slash + 2;
        var end = start;
        while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '_' or '-'))
        {
            end++;
        }

        if (end < t.Length && t[end] is not ('/' or '.' or '?' or '#' or '"' or '\'' or ' '))
        {
            return false;
        }

        if (t[start..end] is "env" && IsEnvTemplate(t))
        {
            return true;
        }

        // A repository's CI folders share "/.git"'s first letters: ".github/workflows/ci.yml", ".gitlab-ci.yml" are the project's
        // public build files (".github/copilot-instructions.md" stays restricted with the other AI-tool files).
        if (t[start..end] is "github" && !t[end..].StartsWith("/copilot"))
        {
            return true;
        }

        // Hidden folders of caches, games, build tools and desktop data hold no credentials: ".steam/steam/userdata/...",
        // "~/.local/share/Steam", ".cache/pip", ".next/static". (Credential homes such as ".ssh", ".aws", ".docker" stay restricted.)
        if (t[start..end] is "local" or "steam" or "cache" or "var" or "mozilla" or "thunderbird" or "icons" or "themes" or "fonts" or "wine"
            or "npm" or "nvm" or "yarn" or "pnpm-store" or "minecraft" or "platformio" or "arduino15" or "next" or "nuxt" or "venv" or "pytest_cache"
            or "mypy_cache" or "tox" or "expo" or "storybook" or "husky" or "changeset" or "devcontainer" or "circleci" or "vim" or "tmux" or "sbt" or "ivy2")
        {
            return true;
        }

        // Cargo's downloaded sources and git checkouts ("~/.cargo/registry/src/index.crates.io-.../serde-1.0.0/src/lib.rs");
        // its credentials.toml and config.toml stay restricted.
        if (t[start..end] is "cargo" && (t[end..].StartsWith("/registry/") || t[end..].StartsWith("/git/")))
        {
            return true;
        }

        return t[start..end] is "gitignore" or "gitattributes" or "gitkeep" or "gitlab" or "gitlab-ci" or "gitmodules" or "editorconfig" or "prettierrc" or "eslintrc" or "eslintignore"
            or "prettierignore" or "dockerignore" or "npmignore" or "nvmrc" or "babelrc" or "browserslistrc" or "stylelintrc";
    }

    /// <summary>
    /// Whether the path at <paramref name="at"/> is named inside a sentence ("I set `export PATH=...` in ~/.bashrc but it isn't
    /// picked up over SSH"): a blank before it, and at least three words of prose on each side within 64 characters. A file is
    /// opened by a value that is its path; a question that mentions one opens nothing. Traversal still counts (checked by the caller).
    /// </summary>
    private static bool MentionedInSentence(ReadOnlySpan<char> t, int at)
    {
        var start = at;
        while (start > 0 && at - start < 256 && t[start - 1] is not (' ' or '\t' or '\n'))
        {
            start--;
        }

        var end = at;
        while (end < t.Length && end - at < 256 && t[end] is not (' ' or '\t' or '\n'))
        {
            end++;
        }

        if (start == 0 || end >= t.Length)
        {
            return false;
        }

        var before = t[Math.Max(0, start - 64)..start];
        var after = t[end..Math.Min(t.Length, end + 64)];
        return MarkdownProse.Words(before) >= 3 && MarkdownProse.Words(after) >= 3;
    }

    /// <summary>Whether a sensitive-name match is a sysfs device class that telemetry reads (thermal zones, GPIO, LEDs, hwmon).</summary>
    private static bool IsDeviceReading(ReadOnlySpan<char> match) =>
        match.StartsWith("sys/class/thermal/") || match.StartsWith("sys/class/gpio/") || match.StartsWith("sys/class/leds/")
        || match.StartsWith("sys/class/hwmon/") || match.StartsWith("sys/class/power_supply/") || match.StartsWith("sys/class/backlight/")
        || match.StartsWith("sys/class/pwm/");

    /// <summary>Copies <paramref name="t"/> with every "./" that follows a '/' dropped; returns the length written.</summary>
    private static int WithoutDotSegments(ReadOnlySpan<char> t, Span<char> output)
    {
        var n = 0;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] == '.' && i > 0 && t[i - 1] == '/' && i + 1 < t.Length && t[i + 1] == '/')
            {
                i++;
                continue;
            }

            output[n++] = t[i];
        }

        return n;
    }

    /// <summary>Whether a sensitive-name match starts a path (not a word inside prose such as "wget/etc/").</summary>
    private static bool IsPathStart(ReadOnlySpan<char> t, int at)
    {
        if (t[at] == '.' && at > 0 && (char.IsAsciiLetterOrDigit(t[at - 1]) || t[at - 1] == '_'))
        {
            // ".env." inside "process.env.HOME": a property of a name, not a file.
            return false;
        }

        if (t[at] is '/' or '.' or '\\')
        {
            return true;
        }

        if (at == 0)
        {
            return t.Length > 0 && t.IndexOfAny(' ', '\t') < 0 || t.StartsWith("etc/") || t.StartsWith("c:");
        }

        var p = t[at - 1];
        return p is '/' or '\\' or '=' or '"' or '\'' or ' ' or ':' or '.';
    }

    // Sensitive paths a shell glob may spell: "/???/??t", "/e[t]c/pa??wd". All of them run side by side in one
    // shift-and automaton (one bit per target character, 62 bits in all), so the scan is one pass whatever the value.
    private static readonly string[] s_globTargets = ["/etc/passwd", "/etc/shadow", "/bin/sh", "/bin/bash", "/bin/cat", "/bin/nc", "/usr/bin/"];
    private static readonly ulong[] s_globAllowed = BuildGlobAllowed(out s_globStarts, out s_globEnds);
    private static readonly ulong s_globStarts;
    private static readonly ulong s_globEnds;
    private static readonly SearchValues<char> s_globLeads = SearchValues.Create("/?*[");

    private static ulong[] BuildGlobAllowed(out ulong starts, out ulong ends)
    {
        var allowed = new ulong[128];
        starts = 0;
        ends = 0;
        var bit = 0;
        foreach (var target in s_globTargets)
        {
            starts |= 1UL << bit;
            foreach (var c in target)
            {
                allowed[c] |= 1UL << bit++;
            }

            ends |= 1UL << (bit - 1);
        }

        if (bit > 64)
        {
            throw new InvalidOperationException("Glob targets exceed one 64-bit automaton.");
        }

        // A wildcard stands for any character of any target.
        allowed['?'] = allowed['*'] = ulong.MaxValue;
        return allowed;
    }

    private static void Globs(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // Glob syntax and quoting are removed first ("[x]" keeps its first member; quotes and backslashes vanish), then a
        // target matches where each character is its own or a wildcard (a negated class is one). A match counts when it used a wildcard, or when
        // the value has a bracket class.
        var bracketed = t.IndexOf('[') >= 0;
        var limit = Math.Min(t.Length, 256);
        ulong partial = 0; // partial matches, one bit per target character
        ulong wild = 0;    // those of them that used a wildcard
        var written = 0;
        var i = 0;
        while (i < limit && written < 256)
        {
            if (partial == 0)
            {
                // No target is under way (wild is a subset of partial): only a slash, a wildcard or a bracket class can
                // start one, so jump to the next of those.
                var lead = t[i..limit].IndexOfAny(s_globLeads);
                if (lead < 0)
                {
                    return;
                }

                i += lead;
            }

            var c = t[i];
            if (c == '[')
            {
                var close = t[i..limit].IndexOf(']');
                if (close > 1)
                {
                    // A negated class ("[!abc]", "[^abc]") matches whatever it leaves out: a wildcard.
                    c = t[i + 1] is '!' or '^' && close > 2 ? '?' : t[i + 1];
                    i += close + 1;
                    goto Step;
                }
            }

            if (c is '\'' or '"' or '\\')
            {
                i++;
                continue;
            }

            i++;

        Step:
            written++;
            var allowed = c < 128 ? s_globAllowed[c] : 0;
            partial = ((partial << 1) | s_globStarts) & allowed;
            wild = ((wild << 1) & ~s_globStarts & allowed) | (c is '?' or '*' ? partial : 0);
            if (((bracketed ? partial : wild) & s_globEnds) != 0)
            {
                sink.Add(RuleKey.LfiGlobbedSensitivePath, 0, t.Length);
                return;
            }
        }
    }
}
