using System.Globalization;
using System.Text.Json;

namespace ApiGuard.Tests.Posture.Data;

internal static partial class HeldOutLeakCorpus
{
    // ---------------- benign ----------------

    /// <summary>
    /// Benign responses in 34 shapes modelled on public APIs (commerce, payments without secrets, logistics, docs and
    /// code-search, analytics, CMS, weather, identity, telemetry), with the things that look like leaks: Luhn-valid
    /// 16-digit numeric ids outside card contexts, IMEIs, order and tracking numbers, epoch timestamps, base64 blobs and
    /// base64 JSON cursors, prose about errors, exceptions and SELECT, and code snippets.
    /// </summary>
    public static IReadOnlyList<string> Benign()
    {
        var r = new Random(80_302);
        var generators = BenignShapes();
        var list = new List<string>();
        for (var i = 0; i < 16 * generators.Length; i++)
        {
            var body = generators[i % generators.Length](r, i);
            list.Add(i % 3 == 0 ? JsonSerializer.Serialize(body) : JsonSerializer.Serialize(body, s_relaxed));
        }

        return list;
    }

    private static string Iso(Random r) =>
        new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(r.Next(0, 60_000_000)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static long EpochMs(Random r) => 1_690_000_000_000L + r.NextInt64(0, 60_000_000_000L);

    /// <summary>A 16-digit id that passes Luhn and starts like a card number (4, 51–55, 6011): the id-versus-card trap.</summary>
    private static long LuhnId(Random r) => long.Parse(LeakCorpus.LuhnComplete(new[] { "4", "5", "53", "6011", "4" }[r.Next(5)], 16, r), CultureInfo.InvariantCulture);

    private static string Pick(Random r, params string[] values) => values[r.Next(values.Length)];

    private static readonly string[] s_benignProse =
    [
        "Select a delivery slot that suits you; we will text you when the driver is close.",
        "If you see an error while paying, your card has not been charged.",
        "Exceptions to the 30-day return window are listed below.",
        "Our support team fixed the sync error that affected some accounts on Tuesday.",
        "Use SELECT to read rows, and never build SQL strings from user input.",
        "Traceability matters: every batch records its origin farm and roasting date.",
        "Stack up to three discounts at checkout.",
        "This release removes the deprecated v1 endpoints and improves error messages.",
        "An exception is made for orders shipped to remote islands.",
        "Invalid coupons are ignored; the best valid coupon is applied automatically.",
        "Your session expired. Please sign in again to continue.",
        "Table reservations can be changed up to two hours before arrival.",
        "The incident started at 14:02 UTC when a configuration error reached one region.",
        "Syntax highlighting now supports Kotlin, Swift and SQL.",
        "At 9 a.m. the doors open; at noon the keynote starts.",
    ];

    private static Func<Random, int, object>[] BenignShapes() =>
    [
        // 0 commerce order
        (r, i) => new
        {
            id = LuhnId(r),
            number = $"ORD-{2024 + (i % 2)}-{r.Next(0, 999_999):000000}",
            status = Pick(r, "paid", "shipped", "delivered", "refunded"),
            placedAt = Iso(r),
            customer = new { id = r.Next(1, 900_000), email = $"c{r.Next(99_999)}@example.net" },
            items = Enumerable.Range(0, 1 + r.Next(4)).Select(_ => new { sku = $"{Pick(r, "TSH", "MUG", "CAP", "BAG")}-{r.Next(100, 999)}-{Pick(r, "S", "M", "L", "XL")}", quantity = 1 + r.Next(3), unitPrice = Math.Round(5 + (r.NextDouble() * 95), 2) }).ToArray(),
            total = new { amount = r.Next(500, 90_000), currency = Pick(r, "EUR", "USD", "GBP") },
        },

        // 1 payment intent without secrets (last4 only)
        (r, i) => new
        {
            id = "pi_" + RandomFrom(r, Alnum, 24),
            @object = "payment_intent",
            amount = r.Next(100, 100_000),
            created = 1_700_000_000 + r.Next(50_000_000),
            payment_method_details = new { type = "card", card = new { brand = Pick(r, "visa", "mastercard", "amex"), last4 = $"{r.Next(10_000):0000}", exp_month = 1 + r.Next(12), exp_year = 2025 + r.Next(6), fingerprint = RandomFrom(r, Alnum, 16) } },
            status = "succeeded",
        },

        // 2 shipment tracking
        (r, i) => new
        {
            trackingNumber = (i % 4) switch
            {
                0 => "1Z" + RandomFrom(r, "0123456789ABCDEFGHJKLMNPRSTUVWXYZ", 16),
                1 => $"9400 1{r.Next(100, 999)} {r.Next(1000, 9999)} {r.Next(1000, 9999)} {r.Next(1000, 9999)} {r.Next(10, 99)}",
                2 => r.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture),
                _ => "JD01" + r.NextInt64(10_000_000_000_000_000, 99_999_999_999_999_999).ToString(CultureInfo.InvariantCulture),
            },
            carrier = Pick(r, "UPS", "USPS", "FedEx", "DHL"),
            events = Enumerable.Range(0, 2 + r.Next(4)).Select(e => new { at = Iso(r), location = Pick(r, "Leipzig, DE", "Memphis, TN", "Louisville, KY", "East Midlands, GB"), code = Pick(r, "AR", "DP", "OD", "DL") }).ToArray(),
        },

        // 3 user profile
        (r, i) => new
        {
            id = Guid.Parse(RandomFrom(r, Hex, 32)),
            username = Pick(r, "ana", "li", "sam", "joe", "mia") + r.Next(1000),
            displayName = Pick(r, "Ana Souza", "Li Wei", "Sam Taylor", "Joe Bloggs"),
            locale = Pick(r, "en-GB", "pt-BR", "de-DE", "ja-JP"),
            createdAt = Iso(r),
            lastSeen = EpochMs(r),
            avatarUrl = $"https://cdn.example.com/avatars/{RandomFrom(r, Hex, 32)}.png",
        },

        // 4 validation problem details
        (r, i) => new
        {
            type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            title = "One or more validation errors occurred.",
            status = 400,
            errors = new Dictionary<string, string[]>
            {
                [Pick(r, "Email", "Phone", "PostalCode")] = [Pick(r, "The field is required.", "The value is not in a valid format.")],
                [Pick(r, "Quantity", "Amount")] = [$"The field must be between 1 and {r.Next(10, 1000)}."],
            },
            traceId = $"00-{RandomFrom(r, Hex, 32)}-{RandomFrom(r, Hex, 16)}-00",
        },

        // 5 docs API with a C# snippet
        (r, i) => new
        {
            slug = "handle-transient-errors",
            title = "Handling transient errors",
            language = "csharp",
            code = "try\n{\n    using var response = await client.GetAsync(url, ct);\n    response.EnsureSuccessStatusCode();\n}\ncatch (HttpRequestException ex) when (ex.StatusCode is HttpStatusCode.ServiceUnavailable)\n{\n    logger.LogWarning(ex, \"Upstream unavailable, retrying in {Delay}\", delay);\n}",
            updatedAt = Iso(r),
            views = r.Next(100, 90_000),
        },

        // 6 docs API with a Python snippet
        (r, i) => new
        {
            slug = "python-retries",
            title = "Retrying requests in Python",
            language = "python",
            code = "import requests\n\ntry:\n    resp = requests.get(url, timeout=5)\n    resp.raise_for_status()\nexcept requests.exceptions.Timeout:\n    schedule_retry()\nexcept requests.exceptions.HTTPError as err:\n    log.warning(\"upstream said %s\", err)",
            tags = new[] { "python", "http", "errors" },
            revision = r.Next(1, 10_000),
            etag = "W/\"" + RandomFrom(r, Hex, 16) + "\"",
        },

        // 7 docs API with SQL
        (r, i) => new
        {
            slug = "reporting-queries",
            title = "Writing reporting queries",
            sql = $"SELECT c.id, c.name, SUM(o.total) AS revenue\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nWHERE o.placed_at >= @since\nGROUP BY c.id, c.name\nORDER BY revenue DESC\nLIMIT {r.Next(10, 100)};",
            note = "Parameters are bound by the driver; the query never contains user input.",
            lastEditedBy = new { id = r.Next(1, 5000), at = Iso(r) },
        },

        // 8 analytics query history (query text, no error)
        (r, i) => new
        {
            jobId = "job_" + RandomFrom(r, Alnum, 20),
            state = "DONE",
            query = $"select date_trunc('day', created_at) as day, count(*) from events where kind = '{Pick(r, "signup", "purchase", "error")}' group by 1 order by 1",
            totalBytesProcessed = r.NextInt64(1_000_000, 9_000_000_000),
            startTime = EpochMs(r),
            cacheHit = r.Next(2) == 0,
        },

        // 9 telemetry with error counts
        (r, i) => new
        {
            service = Pick(r, "checkout", "search", "auth"),
            window = new { from = Iso(r), to = Iso(r) },
            series = Enumerable.Range(0, 6).Select(s => new { t = 1_717_000_000 + (s * 60), requests = r.Next(1000, 9000), errors = r.Next(0, 20), exceptions = r.Next(0, 5), p99Ms = Math.Round(r.NextDouble() * 900, 1) }).ToArray(),
            errorRate = Math.Round(r.NextDouble() / 100, 5),
        },

        // 10 CMS article with prose
        (r, i) => new
        {
            id = r.Next(1, 99_999),
            headline = s_benignProse[r.Next(s_benignProse.Length)],
            body = string.Join("\n\n", Enumerable.Range(0, 3).Select(_ => s_benignProse[r.Next(s_benignProse.Length)])),
            author = new { name = Pick(r, "Editorial Team", "Product", "Support") },
            publishedAt = Iso(r),
        },

        // 11 base64 attachment
        (r, i) =>
        {
            var bytes = new byte[64 + r.Next(600)];
            r.NextBytes(bytes);
            return new { fileName = $"scan-{r.Next(10_000)}.pdf", contentType = "application/pdf", size = bytes.Length, data = Convert.ToBase64String(bytes), md5 = Convert.ToBase64String(bytes[..16]) };
        },

        // 12 cursor pagination with base64 JSON cursors
        (r, i) => new
        {
            data = Enumerable.Range(0, 3).Select(_ => new { id = LuhnId(r), name = Pick(r, "Widget", "Gadget", "Doohickey"), updated = EpochMs(r) }).ToArray(),
            next_cursor = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { id = r.Next(), ts = EpochMs(r) })),
            has_more = true,
        },

        // 13 device inventory with IMEIs (Luhn-valid, 15 digits)
        (r, i) => new
        {
            fleet = Pick(r, "couriers-north", "couriers-south"),
            devices = Enumerable.Range(0, 3).Select(_ => new { imei = LeakCorpus.LuhnComplete("35" + r.Next(1000, 9999), 15, r), model = Pick(r, "Pixel 7", "Galaxy A54", "iPhone 13"), battery = r.Next(5, 100) }).ToArray(),
        },

        // 14 banking account summary (IBAN, masked card)
        (r, i) => new
        {
            accountId = LuhnId(r),
            iban = Pick(r, "DE89 3704 0044 0532 0130 00", "GB33 BUKB 2020 1555 5555 55", "FR14 2004 1010 0505 0001 3M02 606"),
            balance = new { amount = Math.Round(r.NextDouble() * 10_000, 2), currency = "EUR" },
            linkedCard = $"•••• •••• •••• {r.Next(10_000):0000}",
            statements = Enumerable.Range(0, 2).Select(_ => new { month = $"2024-{1 + r.Next(12):00}", url = $"/statements/{RandomFrom(r, Hex, 12)}.pdf" }).ToArray(),
        },

        // 15 weather
        (r, i) => new
        {
            lat = Math.Round(40 + r.NextDouble() * 15, 4),
            lon = Math.Round(-5 + r.NextDouble() * 30, 4),
            current = new { temp = Math.Round(-5 + r.NextDouble() * 35, 1), humidity = r.Next(20, 100), summary = Pick(r, "Light rain", "Clear", "Overcast") },
            hourly = Enumerable.Range(0, 4).Select(h => new { dt = 1_717_000_000 + (h * 3600), pop = Math.Round(r.NextDouble(), 2) }).ToArray(),
        },

        // 16 search results with snippets
        (r, i) => new
        {
            query = Pick(r, "error handling", "select all rows", "null reference", "exception filters"),
            total = r.Next(0, 5000),
            hits = Enumerable.Range(0, 3).Select(_ => new { url = $"https://docs.example.com/{Pick(r, "guides", "reference", "blog")}/{RandomFrom(r, Lower, 8)}", snippet = s_benignProse[r.Next(s_benignProse.Length)], score = Math.Round(r.NextDouble(), 3) }).ToArray(),
        },

        // 17 feature flags / config (no secrets)
        (r, i) => new
        {
            environment = Pick(r, "production", "staging"),
            flags = new Dictionary<string, bool> { ["newCheckout"] = r.Next(2) == 0, ["darkMode"] = true, ["betaSearch"] = r.Next(2) == 0 },
            limits = new { maxUploadMb = 25, requestsPerMinute = r.Next(60, 600) },
            version = $"{r.Next(1, 5)}.{r.Next(0, 30)}.{r.Next(0, 300)}",
        },

        // 18 audit log (non-secret)
        (r, i) => new
        {
            entries = Enumerable.Range(0, 4).Select(_ => new { at = Iso(r), actor = $"user:{r.Next(1, 5000)}", action = Pick(r, "order.refund", "user.invite", "role.grant", "export.download"), target = LuhnId(r), ip = $"203.0.113.{r.Next(1, 254)}" }).ToArray(),
        },

        // 19 GitHub-like repository
        (r, i) => new
        {
            id = r.Next(10_000_000, 900_000_000),
            node_id = "R_kgDO" + RandomFrom(r, Alnum, 8),
            full_name = $"{Pick(r, "acme", "contoso", "octo-org")}/{Pick(r, "api", "web", "infra", "sdk")}",
            description = Pick(r, "Exception-safe helpers for async code", "SQL migrations and seed data", "Error pages and status site"),
            pushed_at = Iso(r),
            stargazers_count = r.Next(0, 40_000),
            default_branch = "main",
        },

        // 20 commit/diff listing with code lines
        (r, i) => new
        {
            sha = RandomFrom(r, Hex, 40),
            message = Pick(r, "Fix NullReferenceException when cart is empty", "Handle SqlException timeouts with retry", "Log the exception instead of swallowing it"),
            files = new[] { new { filename = $"src/{Pick(r, "Cart", "Orders", "Auth")}/Service.cs", additions = r.Next(1, 50), deletions = r.Next(0, 30), patch = "@@ -12,7 +12,9 @@\n-    return cart.Items.Sum(i => i.Price);\n+    return cart?.Items.Sum(i => i.Price) ?? 0m;" } },
        },

        // 21 event stream
        (r, i) => new
        {
            events = Enumerable.Range(0, 4).Select(e => new { id = "evt_" + RandomFrom(r, Alnum, 24), type = Pick(r, "invoice.paid", "customer.updated", "charge.failed", "job.errored"), created = 1_700_000_000 + r.Next(50_000_000), data = new { objectId = LuhnId(r) } }).ToArray(),
        },

        // 22 healthcheck
        (r, i) => new
        {
            status = Pick(r, "Healthy", "Degraded"),
            totalDuration = $"00:00:00.{r.Next(1_000_000):0000000}",
            entries = new Dictionary<string, object>
            {
                ["database"] = new { status = "Healthy", duration = $"00:00:00.00{r.Next(10_000, 99_999)}" },
                ["cache"] = new { status = Pick(r, "Healthy", "Degraded"), description = Pick(r, "ok", "slow responses from replica 2") },
            },
        },

        // 23 catalogue with GTIN/ISBN
        (r, i) => new
        {
            products = Enumerable.Range(0, 3).Select(_ => new { gtin = "0" + r.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(CultureInfo.InvariantCulture), isbn13 = "978" + r.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture) + r.Next(10), title = Pick(r, "SQL Antipatterns", "Exceptional C++", "Release It!"), price = Math.Round(10 + r.NextDouble() * 50, 2) }).ToArray(),
        },

        // 24 chat messages
        (r, i) => new
        {
            channel = Pick(r, "general", "support", "random"),
            messages = Enumerable.Range(0, 3).Select(_ => new { id = r.NextInt64(1_000_000_000_000_000_000, 1_300_000_000_000_000_000), author = Pick(r, "ana", "li", "sam"), text = Pick(r, "did the deploy error again?", "select the second option in the menu", "the exception page is gone now, thanks!", "lunch at 12?"), ts = EpochMs(r) }).ToArray(),
        },

        // 25 invoice
        (r, i) => new
        {
            invoiceNumber = $"INV-{r.Next(2023, 2026)}-{r.Next(1, 99_999):00000}",
            issued = Iso(r),
            due = Iso(r),
            customerReference = LuhnId(r).ToString(CultureInfo.InvariantCulture),
            lines = Enumerable.Range(0, 2).Select(_ => new { description = Pick(r, "Consulting (hours)", "Hosting — Pro plan", "Support retainer"), qty = r.Next(1, 40), rate = r.Next(50, 250) }).ToArray(),
            vatNumber = $"DE{r.Next(100_000_000, 999_999_999)}",
        },

        // 26 OAuth discovery (public metadata, no tokens)
        (r, i) => new
        {
            issuer = "https://login.example.com",
            authorization_endpoint = "https://login.example.com/oauth2/authorize",
            token_endpoint = "https://login.example.com/oauth2/token",
            jwks_uri = "https://login.example.com/.well-known/jwks.json",
            id_token_signing_alg_values_supported = new[] { "RS256", "ES256" },
            scopes_supported = new[] { "openid", "profile", "email", "offline_access" },
            end_session_endpoint = $"https://login.example.com/tenants/{RandomFrom(r, Hex, 8)}/logout",
        },

        // 27 JWKS (public keys only)
        (r, i) => new
        {
            keys = new[] { new { kty = "RSA", use = "sig", kid = RandomFrom(r, Hex, 16), alg = "RS256", n = RandomFrom(r, Alnum + "-_", 342), e = "AQAB" } },
        },

        // 28 job status with a friendly error
        (r, i) => new
        {
            jobId = Guid.Parse(RandomFrom(r, Hex, 32)),
            state = Pick(r, "failed", "succeeded", "running"),
            error = new { code = Pick(r, "QUOTA_EXCEEDED", "SOURCE_NOT_FOUND", "INVALID_FORMAT"), message = Pick(r, "The export could not be completed because the file is too large.", "The source file does not exist or was deleted.", "Row 14: the date must be in YYYY-MM-DD format.") },
            attempts = r.Next(1, 4),
        },

        // 29 timeseries prices
        (r, i) => new
        {
            symbol = Pick(r, "ACME", "CNTS", "FBKM"),
            candles = Enumerable.Range(0, 5).Select(c => new { t = EpochMs(r), o = Math.Round(100 + r.NextDouble() * 10, 4), c = Math.Round(100 + r.NextDouble() * 10, 4), v = r.NextInt64(1000, 9_000_000) }).ToArray(),
        },

        // 30 stack-overflow-like Q&A API (question text about exceptions)
        (r, i) => new
        {
            question_id = r.Next(10_000_000, 79_000_000),
            title = Pick(r, "Why does my app throw an exception at startup?", "How to select the latest row per group in SQL?", "What does 'Sequence contains no elements' mean?"),
            tags = new[] { Pick(r, "c#", "sql", "java", "python") },
            score = r.Next(-3, 400),
            is_answered = r.Next(2) == 0,
            creation_date = 1_500_000_000 + r.Next(200_000_000),
        },

        // 31 geo / address lookup
        (r, i) => new
        {
            postcode = Pick(r, "SW1A 1AA", "10115", "75001", "94103"),
            results = Enumerable.Range(0, 2).Select(_ => new { line1 = $"{r.Next(1, 300)} {Pick(r, "High St", "Main St", "Rue de Rivoli")}", placeId = LuhnId(r), lat = Math.Round(48 + r.NextDouble(), 6), lng = Math.Round(2 + r.NextDouble(), 6) }).ToArray(),
        },

        // 32 loyalty account with numeric member number
        (r, i) => new
        {
            memberNumber = LuhnId(r),
            tier = Pick(r, "silver", "gold", "platinum"),
            points = r.Next(0, 250_000),
            memberSince = Iso(r),
            rewards = Enumerable.Range(0, 2).Select(_ => new { code = RandomFrom(r, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 10), expires = Iso(r) }).ToArray(),
        },

        // 33 API reference page describing exceptions
        (r, i) => new
        {
            member = Pick(r, "OrdersClient.GetAsync", "OrdersClient.CancelAsync", "OrdersClient.ListAsync"),
            summary = "Gets an order by id.",
            returns = "The order, or null when it does not exist.",
            remarks = "Throws when the server answers with an error status; see the exceptions section. Select the overload with a CancellationToken to stop waiting.",
            exceptions = new[] { new { type = "OrdersApiException", when = "The API returned a non-success status." } },
            since = $"{r.Next(1, 6)}.{r.Next(0, 20)}",
            docId = RandomFrom(r, Hex, 12),
        },
    ];
}
