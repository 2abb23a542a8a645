using System.Text;
using System.Text.Json;
using ApiGuard.Posture.Leaks;

namespace ApiGuard.Tests.Posture.Data;

/// <summary>
/// The response-scanning corpus, generated in code with fixed seeds: real-looking leaks (stack traces from .NET, Java and
/// Python; SQL errors from SQL Server, PostgreSQL, MySQL, Oracle and SQLite; AWS keys; PEM keys; JWTs; card numbers),
/// embedded in the varied ways APIs leak them, and benign JSON API responses (ids, timestamps, UUIDs, base64, prose that
/// mentions errors, card-like numbers that fail Luhn, masked cards, IBANs, EANs, phone numbers).
/// </summary>
internal static class LeakCorpus
{
    public sealed record Sample(string Name, LeakType Expected, string Body);

    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON the way ASP.NET Core writes it by default (escapes +, &lt;, &gt;, ', &amp;) or relaxed, alternating.</summary>
    private static string Json(object value, int i) => i % 2 == 0 ? JsonSerializer.Serialize(value) : JsonSerializer.Serialize(value, s_relaxed);

    // ---------------- leaks ----------------

    public static IReadOnlyList<Sample> Leaks()
    {
        var list = new List<Sample>();
        var r = new Random(8001);
        list.AddRange(DotNetTraces(r));
        list.AddRange(JavaTraces(r));
        list.AddRange(PythonTraces(r));
        list.AddRange(SqlServerErrors(r));
        list.AddRange(PostgresErrors(r));
        list.AddRange(MySqlErrors(r));
        list.AddRange(OtherSqlErrors(r));
        list.AddRange(AwsKeys(r));
        list.AddRange(PemKeys(r));
        list.AddRange(Jwts(r));
        list.AddRange(Cards(r));
        return list;
    }

    private static readonly string[] s_companies = ["Contoso", "Fabrikam", "Northwind", "AdventureWorks", "Tailspin", "WideWorld", "Litware", "Proseware"];
    private static readonly string[] s_modules = ["Orders", "Billing", "Inventory", "Identity", "Shipping", "Catalog", "Payments", "Notifications", "Reporting"];
    private static readonly string[] s_dotnetExceptions =
    [
        "System.NullReferenceException: Object reference not set to an instance of an object.",
        "System.InvalidOperationException: Sequence contains no elements",
        "System.InvalidOperationException: Nullable object must have a value.",
        "System.ArgumentNullException: Value cannot be null. (Parameter 'source')",
        "System.Collections.Generic.KeyNotFoundException: The given key 'tenant-42' was not present in the dictionary.",
        "System.FormatException: The input string 'abc' was not in a correct format.",
        "System.IO.FileNotFoundException: Could not find file '/app/config/appsettings.Production.json'.",
        "System.UnauthorizedAccessException: Access to the path '/var/data/export.csv' is denied.",
        "System.TimeoutException: The operation has timed out.",
        "System.Text.Json.JsonException: The JSON value could not be converted to System.Int32. Path: $.quantity | LineNumber: 0 | BytePositionInLine: 17.",
        "Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException: The database operation was expected to affect 1 row(s), but actually affected 0 row(s).",
        "System.Net.Http.HttpRequestException: Connection refused (inventory-svc:8080)",
        "System.DivideByZeroException: Attempted to divide by zero.",
        "System.ObjectDisposedException: Cannot access a disposed object.\nObject name: 'System.Net.Sockets.NetworkStream'.",
    ];

    private static string DotNetFrames(Random r, int count, bool lines)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var company = s_companies[r.Next(s_companies.Length)];
            var module = s_modules[r.Next(s_modules.Length)];
            var method = new[] { "GetByIdAsync", "Handle", "ExecuteAsync", "Validate", "MapToDto", "Invoke", "ProcessBatch", "<Main>$" }[r.Next(8)];
            sb.Append("   at ").Append(company).Append('.').Append(module).Append(".Services.").Append(module.TrimEnd('s')).Append("Service.")
              .Append(method).Append("(Int32 id, CancellationToken ct)");
            if (lines)
            {
                sb.Append(" in /src/").Append(company).Append('.').Append(module).Append("/Services/").Append(module.TrimEnd('s')).Append("Service.cs:line ").Append(r.Next(10, 900));
            }

            sb.Append('\n');
        }

        sb.Append("   at Microsoft.AspNetCore.Routing.EndpointMiddleware.<Invoke>g__AwaitRequestTask|7_0(Endpoint endpoint, Task requestTask, ILogger logger)\n");
        return sb.ToString();
    }

    private static IEnumerable<Sample> DotNetTraces(Random r)
    {
        for (var i = 0; i < 42; i++)
        {
            var ex = s_dotnetExceptions[i % s_dotnetExceptions.Length];
            var trace = ex + "\n" + DotNetFrames(r, 2 + r.Next(5), i % 3 != 0);
            if (i % 7 == 3)
            {
                trace += " ---> System.Net.Sockets.SocketException (111): Connection refused\n   --- End of inner exception stack trace ---\n";
            }

            object body = (i % 6) switch
            {
                0 => new { type = "https://tools.ietf.org/html/rfc9110#section-15.6.1", title = "An error occurred while processing your request.", status = 500, detail = trace, traceId = $"00-{r.Next():x8}{r.Next():x8}-{r.Next():x8}-00" },
                1 => new { error = "Internal Server Error", message = ex, stackTrace = trace },
                2 => new { success = false, errors = new[] { new { code = "UNHANDLED", description = trace } } },
                3 => new { status = 500, exception = new { type = ex[..ex.IndexOf(':', StringComparison.Ordinal)], message = ex[(ex.IndexOf(':', StringComparison.Ordinal) + 2)..], stack = trace.Split('\n') } },
                4 => new { result = (object?)null, error = new { message = "Unhandled exception", details = trace } },
                _ => new { log = new[] { $"[{2024 + (i % 2)}-0{1 + (i % 9)}-1{i % 10}T10:1{i % 10}:00Z] ERR Request failed", trace } },
            };
            yield return new Sample($"dotnet-{i}", LeakType.StackTrace, i % 11 == 5 ? "Unhandled exception. " + trace : Json(body, i));
        }
    }

    private static readonly string[] s_javaExceptions =
    [
        "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null",
        "java.lang.IllegalArgumentException: Invalid UUID string: abc",
        "java.lang.IllegalStateException: Transaction already active",
        "org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]; constraint [uk_email]",
        "com.fasterxml.jackson.databind.exc.InvalidFormatException: Cannot deserialize value of type `java.time.LocalDate` from String \"31/12/2024\"",
        "java.util.NoSuchElementException: No value present",
        "org.springframework.web.client.ResourceAccessException: I/O error on GET request for \"http://pricing:8080/api/prices\": Connection refused",
        "java.lang.ClassCastException: class java.lang.String cannot be cast to class java.lang.Long",
        "javax.persistence.EntityNotFoundException: Unable to find com.acme.shop.domain.Customer with id 9981",
        "java.util.concurrent.TimeoutException: Did not observe any item or terminal signal within 5000ms",
    ];

    private static IEnumerable<Sample> JavaTraces(Random r)
    {
        string[] packages = ["com.acme.shop", "io.northwind.api", "org.contoso.billing", "net.fabrikam.orders", "de.litware.portal"];
        string[] classes = ["OrderController", "CustomerService", "InvoiceRepository", "PaymentGateway", "CartFacade", "UserResource"];
        for (var i = 0; i < 32; i++)
        {
            var pkg = packages[r.Next(packages.Length)];
            var sb = new StringBuilder(s_javaExceptions[i % s_javaExceptions.Length]).Append('\n');
            var frames = 2 + r.Next(5);
            for (var f = 0; f < frames; f++)
            {
                var cls = classes[r.Next(classes.Length)];
                sb.Append("\tat ").Append(pkg).Append('.').Append(cls.Contains("Controller", StringComparison.Ordinal) ? "web" : "service").Append('.').Append(cls)
                  .Append('.').Append(new[] { "findById", "create", "lambda$process$0", "handle", "apply" }[r.Next(5)]).Append('(')
                  .Append(i % 9 == 4 ? "Unknown Source" : cls + ".java:" + r.Next(20, 400)).Append(")\n");
            }

            sb.Append("\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)\n");
            if (i % 4 == 1)
            {
                sb.Append("Caused by: org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint \"uk_email\"\n");
            }

            object body = (i % 4) switch
            {
                0 => new { timestamp = $"2024-0{1 + (i % 9)}-12T08:3{i % 10}:11.532+00:00", status = 500, error = "Internal Server Error", trace = sb.ToString(), path = "/api/orders/" + r.Next(1000, 99999) },
                1 => new { message = s_javaExceptions[i % s_javaExceptions.Length], stackTrace = sb.ToString().Split('\n') },
                2 => new { errors = new[] { new { status = "500", title = "Server Error", meta = new { exception = sb.ToString() } } } },
                _ => new { fault = new { faultstring = "Exception in thread \"http-nio-8080-exec-" + (i % 10) + "\" " + sb } },
            };
            yield return new Sample($"java-{i}", LeakType.StackTrace, Json(body, i));
        }
    }

    private static IEnumerable<Sample> PythonTraces(Random r)
    {
        string[] apps = ["api", "service", "backend", "webapp", "worker"];
        string[] errors =
        [
            "KeyError: 'customer_id'",
            "AttributeError: 'NoneType' object has no attribute 'email'",
            "ValueError: invalid literal for int() with base 10: 'abc'",
            "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
            "ZeroDivisionError: division by zero",
            "django.core.exceptions.ObjectDoesNotExist: Order matching query does not exist.",
            "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection refused",
            "pydantic.error_wrappers.ValidationError: 1 validation error for Order",
            "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='payments.internal', port=443): Max retries exceeded",
            "IndexError: list index out of range",
        ];
        for (var i = 0; i < 32; i++)
        {
            var app = apps[r.Next(apps.Length)];
            var sb = new StringBuilder("Traceback (most recent call last):\n");
            var frames = 1 + r.Next(4);
            for (var f = 0; f < frames; f++)
            {
                sb.Append("  File \"/usr/src/").Append(app).Append('/').Append(new[] { "views", "handlers", "models", "utils", "routes" }[r.Next(5)])
                  .Append(".py\", line ").Append(r.Next(5, 600)).Append(", in ").Append(new[] { "get_order", "dispatch", "<module>", "wrapper", "create_invoice" }[r.Next(5)]).Append('\n')
                  .Append("    ").Append(new[] { "order = Order.objects.get(pk=order_id)", "return self.handler(request)", "total = price + tax", "user = users[idx]" }[r.Next(4)]).Append('\n');
            }

            sb.Append(errors[i % errors.Length]);
            var text = sb.ToString();
            if (i % 5 == 2)
            {
                // Only the frames survived (the first line cut off by a log formatter).
                text = text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            }

            object body = (i % 3) switch
            {
                0 => new { detail = text },
                1 => new { error = errors[i % errors.Length], traceback = text.Split('\n') },
                _ => new { status = "error", debug = new { exception = text, request_id = new Guid(RandomBytes(r, 16)).ToString() } },
            };
            yield return new Sample($"python-{i}", LeakType.StackTrace, Json(body, i));
        }
    }

    private static IEnumerable<Sample> SqlServerErrors(Random r)
    {
        string[] tables = ["Orders", "Customers", "dbo.Invoices", "Users", "OrderLines", "Products", "AuditLog"];
        for (var i = 0; i < 22; i++)
        {
            var t = tables[r.Next(tables.Length)];
            var msg = (i % 11) switch
            {
                0 => $"Incorrect syntax near '{new[] { "OR", "=", "'1'", "FROM", ")" }[r.Next(5)]}'.",
                1 => $"Unclosed quotation mark after the character string 'x'' AND Name LIKE '%{r.Next(100)}'.",
                2 => $"Invalid object name '{t}_{r.Next(10)}'.",
                3 => $"Invalid column name 'Emial'.",
                4 => $"Conversion failed when converting the nvarchar value 'abc{r.Next(99)}' to data type int.",
                5 => $"Violation of PRIMARY KEY constraint 'PK_{t}'. Cannot insert duplicate key in object 'dbo.{t}'. The duplicate key value is ({r.Next(1, 9999)}).",
                6 => $"Cannot insert the value NULL into column 'CreatedBy', table 'Shop.dbo.{t}'; column does not allow nulls. INSERT fails.",
                7 => $"The INSERT statement conflicted with the FOREIGN KEY constraint \"FK_{t}_Customers\". The conflict occurred in database \"Shop\", table \"dbo.Customers\", column 'Id'.",
                8 => "String or binary data would be truncated in table 'Shop.dbo.Users', column 'Email'. Truncated value: 'averyveryveryverylongname@exa'.",
                9 => "A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible.",
                _ => $"Transaction (Process ID {r.Next(50, 200)}) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
            };
            object body = (i % 3) switch
            {
                0 => new { error = msg },
                1 => new { title = "Database error", status = 500, detail = "Microsoft.Data.SqlClient.SqlException (0x80131904): " + msg },
                _ => new { message = "Query failed", inner = msg, number = new[] { 102, 105, 208, 207, 245, 2627, 515, 547, 2628, 53, 1205 }[i % 11] },
            };
            yield return new Sample($"mssql-{i}", LeakType.SqlError, Json(body, i));
        }
    }

    private static IEnumerable<Sample> PostgresErrors(Random r)
    {
        string[] tables = ["users", "orders", "order_items", "accounts", "sessions", "public.invoices"];
        for (var i = 0; i < 22; i++)
        {
            var t = tables[r.Next(tables.Length)];
            var msg = (i % 8) switch
            {
                0 => $"ERROR:  syntax error at or near \"{new[] { "WHERE", "'", "OR", "--" }[r.Next(4)]}\"\nLINE 1: SELECT * FROM {t} WHERE id = 1' OR '1'='1\n",
                1 => $"ERROR: relation \"{t}_archive\" does not exist",
                2 => $"duplicate key value violates unique constraint \"{t}_email_key\"",
                3 => $"ERROR: column \"emial\" does not exist\n  Hint: Perhaps you meant to reference the column \"{t}.email\".",
                4 => "ERROR: invalid input syntax for type integer: \"abc\"",
                5 => $"insert or update on table \"{t}\" violates foreign key constraint \"{t}_account_id_fkey\"",
                6 => "current transaction is aborted, commands ignored until end of transaction block",
                _ => $"null value in column \"created_at\" of relation \"{t}\" violates not-null constraint",
            };
            object body = (i % 3) switch
            {
                0 => new { error = msg, code = new[] { "42601", "42P01", "23505", "42703", "22P02", "23503", "25P02", "23502" }[i % 8] },
                1 => new { message = "Npgsql.PostgresException (0x80004005): " + msg.Split('\n')[0] },
                _ => new { errors = new[] { msg } },
            };
            yield return new Sample($"postgres-{i}", LeakType.SqlError, Json(body, i));
        }
    }

    private static IEnumerable<Sample> MySqlErrors(Random r)
    {
        string[] tables = ["users", "orders", "wp_posts", "customers", "cart_items"];
        for (var i = 0; i < 22; i++)
        {
            var t = tables[r.Next(tables.Length)];
            var msg = (i % 8) switch
            {
                0 => $"You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''{r.Next(100)}'' at line 1",
                1 => $"Unknown column 'emial' in 'field list'",
                2 => $"Table 'shop.{t}_backup' doesn't exist",
                3 => $"Duplicate entry '{r.Next(1000, 9999)}@example.com' for key '{t}.email_UNIQUE'",
                4 => "Lock wait timeout exceeded; try restarting transaction",
                5 => $"Access denied for user 'app'@'10.0.{r.Next(0, 255)}.{r.Next(1, 255)}' (using password: YES)",
                6 => "MySQL server has gone away",
                _ => $"You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'ORDER BY {r.Next(1, 9)}' at line 1",
            };
            object body = (i % 3) switch
            {
                0 => new { error = new { code = "ER_" + (i % 8), errno = 1064 + i, sqlMessage = msg, sqlState = "42000" } },
                1 => new { message = "MySqlConnector.MySqlException (0x80004005): " + msg },
                _ => new { status = "fail", reason = msg },
            };
            yield return new Sample($"mysql-{i}", LeakType.SqlError, Json(body, i));
        }
    }

    private static IEnumerable<Sample> OtherSqlErrors(Random r)
    {
        string[] oracle =
        [
            "ORA-00942: table or view does not exist",
            "ORA-01756: quoted string not properly terminated",
            "ORA-00933: SQL command not properly ended",
            "ORA-12541: TNS:no listener",
            "ORA-00001: unique constraint (SHOP.PK_ORDERS) violated",
            "ORA-06550: line 1, column 7:\nPLS-00201: identifier 'GET_ORDER' must be declared",
        ];
        string[] sqlite =
        [
            "SQLite Error 1: 'no such table: Orders'.",
            "SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email",
            "sqlite3.OperationalError: no such column: emial",
            "SQLite Error 19: 'NOT NULL constraint failed: Orders.CustomerId'.",
            "SQLITE_BUSY: database is locked",
            "Microsoft.Data.Sqlite.SqliteException (0x80004005): SQLite Error 1: 'near \"FROM\": syntax error'.",
        ];
        for (var i = 0; i < oracle.Length; i++)
        {
            yield return new Sample($"oracle-{i}", LeakType.SqlError, Json(new { error = oracle[i], query = "id=" + r.Next(1, 999) }, i));
        }

        for (var i = 0; i < sqlite.Length; i++)
        {
            yield return new Sample($"sqlite-{i}", LeakType.SqlError, Json(new { message = sqlite[i] }, i));
        }
    }

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static string RandomFrom(Random r, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[r.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static IEnumerable<Sample> AwsKeys(Random r)
    {
        for (var i = 0; i < 22; i++)
        {
            var id = (i % 3 == 0 ? "ASIA" : "AKIA") + RandomFrom(r, Base32, 16);
            var secret = RandomFrom(r, Base64Chars, 40);
            object body = (i % 5) switch
            {
                0 => new { AccessKeyId = id, SecretAccessKey = secret, SessionToken = RandomFrom(r, Base64Chars, 120), Expiration = "2025-01-01T00:00:00Z" },
                1 => new { config = new { aws = new { region = "eu-west-1", accessKeyId = id } } },
                2 => new { debug = $"Using credentials {id} for bucket acme-exports-{r.Next(100)}" },
                3 => new { env = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = id, ["AWS_SECRET_ACCESS_KEY"] = secret, ["AWS_REGION"] = "us-east-1" } },
                _ => new { message = "S3 upload failed", credentials = $"[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n" },
            };
            yield return new Sample($"aws-{i}", LeakType.CloudCredential, Json(body, i));
        }
    }

    private static IEnumerable<Sample> PemKeys(Random r)
    {
        string[] labels = ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY"];
        for (var i = 0; i < 16; i++)
        {
            var label = labels[i % labels.Length];
            var sb = new StringBuilder("-----BEGIN ").Append(label).Append("-----\n");
            var lines = 4 + r.Next(20);
            for (var l = 0; l < lines; l++)
            {
                sb.Append(RandomFrom(r, Base64Chars, 64)).Append('\n');
            }

            sb.Append(RandomFrom(r, Base64Chars, 12 + r.Next(40))).Append("==\n-----END ").Append(label).Append("-----\n");
            object body = (i % 4) switch
            {
                0 => new { type = "service_account", project_id = "acme-prod-" + r.Next(100, 999), private_key_id = RandomFrom(r, "0123456789abcdef", 40), private_key = sb.ToString(), client_email = "svc@acme-prod.iam.gserviceaccount.com" },
                1 => new { tls = new { certificateChain = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n", key = sb.ToString() } },
                2 => new { settings = new { signingKey = sb.ToString().Replace("\n", "\r\n", StringComparison.Ordinal) } },
                _ => new { deployKey = sb.ToString(), repo = "git@github.com:acme/shop.git" },
            };
            yield return new Sample($"pem-{i}", LeakType.PrivateKey, i == 15 ? sb.ToString() : Json(body, i));
        }
    }

    private static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string B64UrlJson(string json) => B64Url(Encoding.UTF8.GetBytes(json));

    public static string MakeJwt(Random r, int i)
    {
        var alg = new[] { "RS256", "HS256", "ES256", "PS256" }[i % 4];
        var header = i % 3 == 0 ? $"{{\"alg\":\"{alg}\",\"typ\":\"JWT\",\"kid\":\"{RandomFrom(r, Base32, 8)}\"}}" : $"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}";
        var payload = $"{{\"sub\":\"{r.Next(1000, 999999)}\",\"name\":\"User {r.Next(100)}\",\"iat\":{1700000000 + r.Next(9999999)},\"exp\":{1710000000 + r.Next(9999999)},\"scope\":\"orders:read orders:write\"}}";
        var signature = new byte[alg == "HS256" ? 32 : 64 + r.Next(192)];
        r.NextBytes(signature);
        return $"{B64UrlJson(header)}.{B64UrlJson(payload)}.{B64Url(signature)}";
    }

    private static IEnumerable<Sample> Jwts(Random r)
    {
        for (var i = 0; i < 22; i++)
        {
            var jwt = MakeJwt(r, i);
            object body = (i % 4) switch
            {
                0 => new { user = new { id = r.Next(1, 9999), name = "Ada", session = jwt } },
                1 => new { debug = new { headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + jwt, ["Accept"] = "application/json" } } },
                2 => new { items = new[] { new { id = 1, createdBy = new { token = jwt } } } },
                _ => new { error = "upstream rejected request", upstreamRequest = $"GET /v1/accounts HTTP/1.1\r\nAuthorization: Bearer {jwt}\r\n" },
            };
            yield return new Sample($"jwt-{i}", LeakType.Jwt, Json(body, i));
        }
    }

    public static string LuhnComplete(string prefix, int length, Random r)
    {
        var digits = new StringBuilder(prefix);
        while (digits.Length < length - 1)
        {
            digits.Append((char)('0' + r.Next(10)));
        }

        for (var check = 0; check < 10; check++)
        {
            var candidate = digits.ToString() + (char)('0' + check);
            if (Luhn(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    public static bool Luhn(string digits)
    {
        var sum = 0;
        var dbl = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (dbl)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
            dbl = !dbl;
        }

        return sum % 10 == 0;
    }

    private static string Group(string number, char separator)
    {
        if (number.Length == 15)
        {
            return $"{number[..4]}{separator}{number[4..10]}{separator}{number[10..]}";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < number.Length; i += 4)
        {
            if (i > 0)
            {
                sb.Append(separator);
            }

            sb.Append(number.AsSpan(i, Math.Min(4, number.Length - i)));
        }

        return sb.ToString();
    }

    private static IEnumerable<Sample> Cards(Random r)
    {
        (string Prefix, int Length)[] brands =
        [
            ("4", 16), ("4", 16), ("4", 19), ("51", 16), ("53", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15),
            ("6011", 16), ("65", 16), ("644", 16), ("3528", 16), ("3589", 16), ("36", 14), ("62", 16),
        ];
        for (var i = 0; i < 30; i++)
        {
            var (prefix, length) = brands[i % brands.Length];
            var number = LuhnComplete(prefix, length, r);
            var formatted = (i % 3) switch
            {
                0 => number,
                1 => length == 14 ? number : Group(number, ' '),
                _ => length == 14 ? number : Group(number, '-'),
            };
            object body = (i % 5) switch
            {
                0 => new { customer = new { id = r.Next(1, 99999), name = "J. Doe" }, payment = new { cardNumber = formatted, expiry = $"{1 + (i % 12):00}/{27 + (i % 4)}", cvv = $"{r.Next(100, 999)}" } },
                1 => new { orders = new[] { new { orderId = 10000 + i, pan = formatted, amount = 19.99 + i } } },
                2 => new { message = $"Charge failed for card {formatted}: insufficient funds" },
                3 => new { audit = new[] { new { field = "card", oldValue = (string?)null, newValue = formatted } } },
                _ => new { raw = $"PAN={formatted}&EXP=12{27 + (i % 4)}&AMT={r.Next(1, 999)}00" },
            };
            yield return new Sample($"card-{i}", LeakType.CardNumber, i % 5 == 0 && i % 2 == 0 ? $"{{\"pan\":{number}}}" : Json(body, i));
        }
    }

    // ---------------- benign ----------------

    public static IReadOnlyList<string> Benign()
    {
        var r = new Random(8002);
        var list = new List<string>();
        for (var i = 0; i < 560; i++)
        {
            list.Add(BenignResponse(r, i));
        }

        return list;
    }

    private static readonly string[] s_prose =
    [
        "Exceptional service at an affordable price.",
        "We hit an error while processing your payment. Please try again or contact support.",
        "This exception to the return policy applies to items bought during the holiday sale.",
        "The report lists every error and warning found at the last sync.",
        "Meet us at the Main St. store (open 9-5) for pickup.",
        "An unexpected error occurred. Reference your order number when contacting support.",
        "Traceability: every parcel is scanned at each hub.",
        "Note: the file \"report.pdf\" does not exist yet; it is generated at midnight.",
        "Error budget remaining: 12.5% for the quarter.",
        "Line 2, in the second paragraph, explains the refund at length.",
        "No exception was raised; the job completed at 02:00 UTC.",
        "Use the key 'reports' to select the table.",
        "Stack the boxes at most five high.",
        "SQL and NoSQL databases both have a place in our stack.",
        "The page you requested doesn't exist.",
        "Invalid email address. Please check and try again.",
        "Our Java and Python SDKs are available at github.com/acme/sdk.",
        "Payment by card ending 4242 was approved.",
        "The token has expired; please sign in again.",
        "Duplicate order detected: you already placed this order today.",
    ];

    private static string BenignResponse(Random r, int i)
    {
        object body = (i % 14) switch
        {
            0 => new
            {
                id = r.Next(1, 9_999_999),
                orderNumber = $"ORD-{2023 + (i % 3)}-{r.Next(0, 999999):000000}",
                createdAt = $"2024-{1 + (i % 12):00}-{1 + (i % 28):00}T{i % 24:00}:{i % 60:00}:{(i * 7) % 60:00}.{r.Next(1000):000}Z",
                total = Math.Round(r.NextDouble() * 1000, 2),
                currency = "EUR",
                lines = Enumerable.Range(0, 1 + (i % 4)).Select(l => new { sku = $"SKU-{r.Next(10000, 99999)}", qty = 1 + l, price = Math.Round(r.NextDouble() * 100, 2) }).ToArray(),
            },
            1 => new { id = new Guid(RandomBytes(r, 16)), email = $"user{r.Next(1000)}@example.com", displayName = "Sam " + (char)('A' + (i % 26)), roles = new[] { "reader", "editor" }, lastLogin = 1_700_000_000_000L + r.Next() },
            2 => new { paymentMethod = new { brand = new[] { "visa", "mastercard", "amex" }[i % 3], last4 = $"{r.Next(0, 9999):0000}", masked = $"**** **** **** {r.Next(0, 9999):0000}", expMonth = 1 + (i % 12), expYear = 2026 + (i % 5) } },
            3 => new { reference = NonLuhn(r, new[] { "4", "5", "37", "6011" }[i % 4], i % 4 == 2 ? 15 : 16), note = "Card-like reference that fails the Luhn check", amount = r.Next(1, 10000) },
            4 => new { blob = Convert.ToBase64String(RandomBytes(r, 48 + r.Next(400))), contentType = "application/octet-stream", sha256 = Convert.ToHexString(RandomBytes(r, 32)).ToLowerInvariant() },
            5 => new { title = s_prose[i % s_prose.Length], body = string.Join(' ', Enumerable.Range(0, 3).Select(_ => s_prose[r.Next(s_prose.Length)])), publishedAt = "2024-06-01T12:00:00+02:00", tags = new[] { "news", "release" } },
            6 => new
            {
                type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                title = "One or more validation errors occurred.",
                status = 400,
                errors = new Dictionary<string, string[]> { ["Email"] = ["The Email field is not a valid e-mail address."], ["Quantity"] = ["The field Quantity must be between 1 and 100."] },
                traceId = $"00-{Convert.ToHexString(RandomBytes(r, 16)).ToLowerInvariant()}-{Convert.ToHexString(RandomBytes(r, 8)).ToLowerInvariant()}-00",
            },
            7 => new { page = 1 + (i % 9), pageSize = 50, totalCount = r.Next(0, 100000), items = Enumerable.Range(0, 5).Select(_ => new { id = r.NextInt64(1_000_000_000_000, 1_999_999_999_999_999_999), ean = Ean13(r), isbn = "978" + r.Next(100000000, 999999999).ToString(System.Globalization.CultureInfo.InvariantCulture) + r.Next(10) }).ToArray() },
            8 => new { iban = new[] { "DE89 3704 0044 0532 0130 00", "GB29 NWBK 6016 1331 9268 19", "FR76 3000 6000 0112 3456 7890 189", "NL91ABNA0417164300" }[i % 4], bic = "COBADEFFXXX", phone = $"+1-202-555-{r.Next(0, 9999):0000}", mobile = $"+49 151 {r.Next(1000000, 9999999)}" },
            9 => new { metrics = Enumerable.Range(0, 8).Select(m => new { ts = 1_717_000_000 + (m * 60), value = Math.Round(r.NextDouble() * 100, 4), errors = r.Next(0, 5) }).ToArray(), exceptionRate = Math.Round(r.NextDouble(), 4) },
            10 => new { shipment = new { trackingNumber = $"1Z{RandomFrom(r, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 16)}", carrier = "UPS", status = "in_transit", lastScan = new { at = "Memphis, TN", time = "2024-05-04T22:13:00Z" } }, fedex = r.NextInt64(100_000_000_000, 999_999_999_999) },
            11 => new { version = $"{r.Next(1, 9)}.{r.Next(0, 20)}.{r.Next(0, 200)}", build = r.Next(1000, 99999), commit = Convert.ToHexString(RandomBytes(r, 20)).ToLowerInvariant(), uptimeSeconds = r.NextInt64(0, 10_000_000), pi = Math.PI * (1 + (i % 7)) },
            12 => new { status = "error", code = "ORDER_NOT_FOUND", message = s_prose[(i + 3) % s_prose.Length], correlationId = new Guid(RandomBytes(r, 16)).ToString("N") },
            _ => new { events = Enumerable.Range(0, 4).Select(e => new { id = $"evt_{RandomFrom(r, "abcdefghijklmnopqrstuvwxyz0123456789", 24)}", kind = new[] { "order.created", "payment.failed", "user.login", "exception.logged" }[e], at = 1_716_000_000_000L + (e * 1000), amountCents = r.Next(100, 100000) }).ToArray() },
        };
        return Json(body, i);
    }

    private static byte[] RandomBytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    /// <summary>A number with a card issuer prefix and length whose Luhn check digit is wrong.</summary>
    public static string NonLuhn(Random r, string prefix, int length)
    {
        var valid = LuhnComplete(prefix, length, r);
        var last = valid[^1] - '0';
        return valid[..^1] + (char)('0' + ((last + 1 + r.Next(8)) % 10));
    }

    private static string Ean13(Random r)
    {
        var digits = (400 + r.Next(40)).ToString(System.Globalization.CultureInfo.InvariantCulture) + r.Next(100000000, 999999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
