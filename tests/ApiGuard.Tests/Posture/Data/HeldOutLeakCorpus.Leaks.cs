using ApiGuard.Posture.Leaks;

namespace ApiGuard.Tests.Posture.Data;

/// <summary>
/// The held-out response-scanning corpus: leaks and benign responses written after the scanner, from the shapes real
/// runtimes, drivers and APIs produce (driver messages checked against public issue reports: Npgsql, MySql.Data,
/// MySqlConnector, Microsoft.Data.SqlClient, node-postgres, Node.js traces), not from the scanner's phrase table.
/// Every leak text below is written out once (no template multiplied over a word list); only secrets, keys, tokens and
/// card numbers are generated (they must be random to be realistic). It is measured, not tuned on: see README.
/// </summary>
internal static partial class HeldOutLeakCorpus
{
    public sealed record Sample(string Name, LeakType Expected, string Body);

    // ---------------- stack traces ----------------

    private static readonly string[] s_dotnet =
    [
        """
        System.InvalidOperationException: The instance of entity type 'Customer' cannot be tracked because another instance with the key value '{Id: 42}' is already being tracked.
           at Microsoft.EntityFrameworkCore.ChangeTracking.Internal.IdentityMap`1.ThrowIdentityConflict(InternalEntityEntry entry)
           at Microsoft.EntityFrameworkCore.ChangeTracking.Internal.IdentityMap`1.Add(TKey key, InternalEntityEntry entry, Boolean updateDuplicate)
           at Shop.Api.Customers.CustomerEndpoints.UpdateAsync(Int32 id, CustomerDto dto, ShopDbContext db) in /src/Shop.Api/Customers/CustomerEndpoints.cs:line 58
        """,
        """
        System.Net.Http.HttpRequestException: Response status code does not indicate success: 503 (Service Unavailable).
           at System.Net.Http.HttpResponseMessage.EnsureSuccessStatusCode()
           at Billing.Clients.TaxClient.GetRateAsync(String country, CancellationToken ct)
           at Billing.Invoices.InvoiceService.<CreateAsync>d__7.MoveNext()
        --- End of stack trace from previous location ---
           at Billing.Invoices.InvoiceController.Post(InvoiceRequest request)
        """,
        """
        System.AggregateException: One or more errors occurred. (A task was canceled.)
         ---> System.Threading.Tasks.TaskCanceledException: A task was canceled.
           at Reporting.Export.CsvExporter.WriteAsync(Stream output)
           --- End of inner exception stack trace ---
           at System.Threading.Tasks.Task.Wait(Int32 millisecondsTimeout, CancellationToken cancellationToken)
           at Reporting.Jobs.NightlyExport.Run()
        """,
        """
        Microsoft.EntityFrameworkCore.DbUpdateException: An error occurred while saving the entity changes. See the inner exception for details.
         ---> Npgsql.PostgresException (0x80004005): 23505: duplicate key value violates unique constraint "IX_Users_Email"
        """,
        """
        System.Text.Json.JsonException: The JSON value could not be converted to Orders.Contracts.OrderStatus. Path: $.status | LineNumber: 3 | BytePositionInLine: 22.
           at System.Text.Json.ThrowHelper.ThrowJsonException(String message)
           at System.Text.Json.Serialization.Converters.EnumConverter`1.Read(Utf8JsonReader& reader, Type typeToConvert, JsonSerializerOptions options)
        """,
        """
        Unhandled exception. System.IO.IOException: The process cannot access the file 'C:\inetpub\wwwroot\App_Data\cache.db' because it is being used by another process.
           at Microsoft.Win32.SafeHandles.SafeFileHandle.CreateFile(String fullPath, FileMode mode, FileAccess access, FileShare share, FileOptions options)
           at Portal.Caching.DiskCache..ctor(String path) in C:\build\agent\_work\12\s\Portal\Caching\DiskCache.cs:line 31
        """,
        """
        System.Security.Cryptography.CryptographicException: Keyset does not exist
           at System.Security.Cryptography.X509Certificates.CertificatePal.GetPrivateKey[T](Func`2 createCsp, Func`2 createCng)
           at Identity.Signing.CertificateSigner.Sign(Byte[] payload)
        """,
        """
        System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')
           at System.Collections.Generic.List`1.get_Item(Int32 index)
           at Catalog.Search.Ranker.<>c__DisplayClass4_0.<Rank>b__1(SearchHit hit)
           at System.Linq.Enumerable.SelectListIterator`2.ToArray()
        """,
        """
        Grpc.Core.RpcException: Status(StatusCode="Unavailable", Detail="Error connecting to subchannel.", DebugException="System.Net.Sockets.SocketException: Connection refused")
           at Inventory.Client.StockClient.ReserveAsync(ReserveRequest request, CancellationToken ct)
           at Checkout.Steps.ReserveStock.ExecuteAsync(CheckoutContext context)
        """,
        """
        An unhandled exception occurred while processing the request.
        NullReferenceException: Object reference not set to an instance of an object.
        Web.Pages.Account.ProfileModel.OnGetAsync() in Profile.cshtml.cs, line 27
        Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure.ExecutorFactory+GenericTaskHandlerMethod.Convert<T>(object taskAsObject)
        """,
        """
        StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). ConnectTimeout
           at StackExchange.Redis.ConnectionMultiplexer.ConnectImpl(ConfigurationOptions configuration, TextWriter log)
           at Sessions.RedisSessionStore.GetAsync(String key)
        """,
        """
        System.UnauthorizedAccessException: Access to the path '/var/lib/app/uploads/2024/invoice-8812.pdf' is denied.
         ---> System.IO.IOException: Permission denied
           --- End of inner exception stack trace ---
           at Interop.ThrowExceptionForIoErrno(ErrorInfo errorInfo, String path, Boolean isDirError)
           at Uploads.FileStore.SaveAsync(Stream content, String name)
        """,
        """
        Azure.RequestFailedException: The specified blob does not exist.
        RequestId:5c9a1e7b-301e-0042-7a3c-8f2d1b000000
        Status: 404 (The specified blob does not exist.)
        ErrorCode: BlobNotFound
           at Azure.Storage.Blobs.BlobRestClient.DownloadAsync(String snapshot, String versionId, Nullable`1 timeout)
           at Media.Thumbnails.ThumbnailService.GetAsync(Guid mediaId)
        """,
        """
        System.Data.SqlTypes.SqlNullValueException: Data is Null. This method or property cannot be called on Null values.
           at Microsoft.Data.SqlClient.SqlBuffer.get_String()
           at lambda_method112(Closure, QueryContext, DbDataReader, ResultContext, SingleQueryResultCoordinator)
        """,
        """
        Polly.CircuitBreaker.BrokenCircuitException: The circuit is now open and is not allowing calls.
           at Polly.CircuitBreaker.CircuitStateController`1.OnActionPreExecute()
           at Notifications.Email.SmtpSender.SendAsync(MailMessage message) in /home/runner/work/notify/notify/src/Email/SmtpSender.cs:line 88
        """,
        """
        FluentValidation.ValidationException: Validation failed:
         -- Email: 'Email' is not a valid email address. Severity: Error
           at FluentValidation.AbstractValidator`1.RaiseValidationException(ValidationContext`1 context, ValidationResult result)
           at Accounts.Behaviors.ValidationBehavior`2.Handle(TRequest request, RequestHandlerDelegate`1 next, CancellationToken cancellationToken)
        """,
    ];

    private static readonly string[] s_java =
    [
        """
        java.lang.NullPointerException: Cannot invoke "com.acme.billing.model.Invoice.getTotal()" because "invoice" is null
        	at com.acme.billing.service.InvoiceService.summarize(InvoiceService.java:88)
        	at com.acme.billing.web.InvoiceController.summary(InvoiceController.java:41)
        	at java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
        	at java.base/java.lang.reflect.Method.invoke(Method.java:580)
        """,
        """
        org.springframework.dao.DataIntegrityViolationException: could not execute statement [ERROR: null value in column "owner_id" violates not-null constraint]
        	at org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:290)
        Caused by: org.hibernate.exception.ConstraintViolationException: could not execute statement
        	at org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:95)
        	... 87 more
        """,
        """
        javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target
        	at java.base/sun.security.ssl.Alert.createSSLException(Alert.java:130)
        	at java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:378)
        	... 45 common frames omitted
        """,
        """
        com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot construct instance of `io.shop.dto.CartItem` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('3')
         at [Source: (org.springframework.util.StreamUtils$NonClosingInputStream); line: 1, column: 27] (through reference chain: io.shop.dto.Cart["items"]->java.util.ArrayList[0])
        """,
        """
        java.util.concurrent.ExecutionException: java.net.SocketTimeoutException: Read timed out
        	at java.base/java.util.concurrent.FutureTask.report(FutureTask.java:122)
        	at java.base/java.util.concurrent.FutureTask.get(FutureTask.java:191)
        	at de.example.gateway.PriceAggregator.collect(PriceAggregator.kt:57)
        Caused by: java.net.SocketTimeoutException: Read timed out
        	at java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)
        	... 12 more
        """,
        """
        org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'entityManagerFactory' defined in class path resource [org/springframework/boot/autoconfigure/orm/jpa/HibernateJpaConfiguration.class]: Unable to open JDBC Connection for DDL execution
        """,
        """
        kotlin.UninitializedPropertyAccessException: lateinit property repository has not been initialized
        	at com.example.notes.NotesService.getRepository(NotesService.kt:14)
        	at com.example.notes.NotesController.list(NotesController.kt:22)
        """,
        """
        java.lang.IllegalStateException: Failed to execute CommandLineRunner
        	at org.springframework.boot.SpringApplication.callRunner(SpringApplication.java:774)
        	Suppressed: java.io.UncheckedIOException: /opt/app/config/keys.json (No such file or directory)
        		at com.acme.keys.KeyLoader.load(KeyLoader.java:33)
        """,
        """
        io.grpc.StatusRuntimeException: DEADLINE_EXCEEDED: deadline exceeded after 4.999s. [closed=[], open=[[remote_addr=inventory/10.12.0.7:9090]]]
        	at io.grpc.stub.ClientCalls.toStatusRuntimeException(ClientCalls.java:268)
        	at io.grpc.stub.ClientCalls.getUnchecked(ClientCalls.java:249)
        """,
        """
        org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe
        	at org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:341)
        	at org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.doWrite(NioEndpoint.java:1410)
        """,
        """
        Exception in thread "main" java.lang.OutOfMemoryError: Java heap space
        	at java.base/java.util.Arrays.copyOf(Arrays.java:3537)
        	at com.example.report.PdfBuilder.render(PdfBuilder.java:212)
        """,
        """
        scala.MatchError: Some(PendingApproval) (of class scala.Some)
        	at com.example.orders.OrderStateMachine.next(OrderStateMachine.scala:44)
        	at com.example.orders.OrderRoutes.$anonfun$routes$3(OrderRoutes.scala:71)
        """,
    ];

    private static readonly string[] s_python =
    [
        """
        Traceback (most recent call last):
          File "/app/.venv/lib/python3.12/site-packages/starlette/middleware/errors.py", line 164, in __call__
            await self.app(scope, receive, _send)
          File "/app/src/orders/api.py", line 41, in get_order
            return OrderOut.model_validate(order)
        pydantic_core._pydantic_core.ValidationError: 1 validation error for OrderOut
        """,
        """
        Traceback (most recent call last):
          File "/srv/shop/payments/gateway.py", line 77, in charge
            resp.raise_for_status()
        requests.exceptions.HTTPError: 502 Server Error: Bad Gateway for url: https://psp.example.net/v2/charges

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/srv/shop/payments/views.py", line 19, in post
            gateway.charge(order)
        payments.errors.PaymentFailed: gateway unavailable
        """,
        """
        Traceback (most recent call last):
          File "manage.py", line 22, in <module>
            main()
          File "/usr/local/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute
            return self.cursor.execute(sql, params)
        django.db.utils.ProgrammingError: relation "accounts_profile" does not exist
        LINE 1: ...ile"."id", "accounts_profile"."user_id" FROM "accounts_...
        """,
        """
        Traceback (most recent call last):
          File "/opt/worker/tasks.py", line 133, in resize
            img = Image.open(path)
          File "/opt/worker/venv/lib/python3.10/site-packages/PIL/Image.py", line 3283, in open
            raise UnidentifiedImageError(msg)
        PIL.UnidentifiedImageError: cannot identify image file '/tmp/upload-8f1c.bin'
        """,
        """
        Traceback (most recent call last):
          File "<string>", line 1, in <module>
          File "/app/config.py", line 12, in load
            return json.loads(raw)
        json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)

        The above exception was the direct cause of the following exception:

        config.ConfigError: settings.json is not valid JSON
        """,
        """
        File "/usr/src/app/app/routes/users.py", line 58, in update_user
            db.session.commit()
        sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "users_email_key"
        DETAIL:  Key (email)=(ana@example.org) already exists.
        """,
        """
        Traceback (most recent call last):
          File "/home/deploy/api/handlers/export.py", line 205, in export_csv
            writer.writerow(row)
        UnicodeEncodeError: 'ascii' codec can't encode character '\xe9' in position 14: ordinal not in range(128)
        """,
        """
        Internal Server Error: /api/v1/reports/9921/
        Traceback (most recent call last):
          File "/venv/lib/python3.9/site-packages/django/core/handlers/exception.py", line 47, in inner
            response = get_response(request)
        KeyError: 'quarter'
        """,
        """
        Traceback (most recent call last):
          File "/app/consumer.py", line 88, in handle
            await redis.set(key, value, ex=ttl)
        redis.exceptions.ConnectionError: Error 111 connecting to cache:6379. Connection refused.
        """,
        """
        ERROR:root:Unhandled error
        Traceback (most recent call last):
          File "/lambda/function.py", line 34, in handler
            item = table.get_item(Key={"pk": pk})["Item"]
        KeyError: 'Item'
        """,
    ];

    private static readonly string[] s_node =
    [
        """
        TypeError: Cannot read properties of undefined (reading 'email')
            at UserService.toDto (/usr/src/app/dist/users/user.service.js:88:31)
            at /usr/src/app/dist/users/user.controller.js:41:32
            at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
        """,
        """
        Error: connect ECONNREFUSED 127.0.0.1:5432
            at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)
        """,
        """
        ReferenceError: orderTotal is not defined
            at calculateTax (/app/src/checkout/tax.js:12:10)
            at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
            at next (/app/node_modules/express/lib/router/route.js:149:13)
        """,
        """
        SyntaxError: Unexpected token < in JSON at position 0
            at JSON.parse (<anonymous>)
            at IncomingMessage.<anonymous> (/srv/api/lib/upstream.js:57:27)
            at IncomingMessage.emit (node:events:517:28)
            at endReadableNT (node:internal/streams/readable:1400:12)
        """,
        """
        PrismaClientKnownRequestError:
        Invalid `prisma.user.create()` invocation in
        /app/src/routes/signup.ts:24:38

        Unique constraint failed on the fields: (`email`)
            at Rn.handleRequestError (/app/node_modules/@prisma/client/runtime/library.js:121:7315)
            at async Object.signup (/app/src/routes/signup.ts:24:20)
        """,
        """
        Error: ENOENT: no such file or directory, open '/app/templates/invoice.hbs'
            at Object.openSync (node:fs:596:3)
            at Object.readFileSync (node:fs:464:35)
            at renderInvoice (/app/src/pdf/render.js:18:22)
        """,
        """
        MongoServerError: E11000 duplicate key error collection: shop.customers index: email_1 dup key: { email: "li@example.com" }
            at InsertOneOperation.execute (/app/node_modules/mongodb/lib/operations/insert.js:51:19)
            at async executeOperation (/app/node_modules/mongodb/lib/operations/execute_operation.js:112:16)
        """,
        """
        AxiosError: Request failed with status code 401
            at settle (file:///app/node_modules/axios/lib/core/settle.js:19:12)
            at IncomingMessage.handleStreamEnd (file:///app/node_modules/axios/lib/adapters/http.js:599:11)
            at Axios.request (file:///app/node_modules/axios/lib/core/Axios.js:45:41)
            at async getProfile (file:///app/src/clients/crm.mjs:33:18)
        """,
        """
        RangeError: Maximum call stack size exceeded
            at flatten (/opt/service/build/utils/tree.js:9:15)
            at flatten (/opt/service/build/utils/tree.js:14:7)
            at flatten (/opt/service/build/utils/tree.js:14:7)
        """,
        """
        UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "timeout".
            at throwUnhandledRejectionsMode (node:internal/process/promises:392:7)
            at processPromiseRejections (node:internal/process/promises:475:17)
        """,
    ];

    private static readonly string[] s_otherRuntimes =
    [
        """
        PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused in /var/www/html/lib/Db.php:18
        Stack trace:
        #0 /var/www/html/lib/Db.php(18): PDO->__construct('mysql:host=db;d...', 'shop', Object(SensitiveParameterValue))
        #1 /var/www/html/index.php(7): Db::connect()
        #2 {main}
          thrown in /var/www/html/lib/Db.php on line 18
        """,
        """
        panic: runtime error: invalid memory address or nil pointer dereference
        [signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b4c1a]

        goroutine 52 [running]:
        github.com/acme/orders/internal/api.(*Handler).GetOrder(0xc0001a2000, {0x8d5b40, 0xc0002bc0e0}, 0xc000216300)
        	/build/internal/api/orders.go:74 +0x1ba
        net/http.HandlerFunc.ServeHTTP(0xc000118a80, {0x8d5b40, 0xc0002bc0e0}, 0xc000216300)
        	/usr/local/go/src/net/http/server.go:2136 +0x29
        """,
        """
        NoMethodError (undefined method `name' for nil:NilClass):
          app/controllers/orders_controller.rb:23:in `show'
          actionpack (7.0.4) lib/action_controller/metal/basic_implicit_render.rb:6:in `send_action'
        """,
        """
        Illuminate\Database\QueryException: SQLSTATE[42S02]: Base table or view not found: 1146 Table 'forge.sessions' doesn't exist (SQL: select * from `sessions` where `id` = 9Xq2 limit 1) in /home/forge/app/vendor/laravel/framework/src/Illuminate/Database/Connection.php:712
        """,
    ];

    // ---------------- SQL errors ----------------

    private static readonly string[] s_sqlServer =
    [
        "Microsoft.Data.SqlClient.SqlException (0x80131904): Incorrect syntax near the keyword 'ORDER'.\n   at Microsoft.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean breakConnection, Action`1 wrapCloseInAction)\nClientConnectionId:6f1c9a02-77d4-4b8e-bb1e-0c5d2e3f9a10\nError Number:156,State:1,Class:15",
        "Invalid object name 'dbo.CustomerAddresses'.",
        "The DELETE statement conflicted with the REFERENCE constraint \"FK_OrderLines_Orders_OrderId\". The conflict occurred in database \"ShopDb\", table \"dbo.OrderLines\", column 'OrderId'.\nThe statement has been terminated.",
        "Cannot open database \"Reporting\" requested by the login. The login failed.\nLogin failed for user 'svc_reporting'.",
        "Arithmetic overflow error converting expression to data type int.",
        "The conversion of a nvarchar data type to a datetime data type resulted in an out-of-range value.",
        "Ambiguous column name 'CreatedAt'.",
        "Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.\nThe wait operation timed out.",
        "Could not find stored procedure 'dbo.usp_GetInvoices'.",
        "Operand type clash: uniqueidentifier is incompatible with int",
        "com.microsoft.sqlserver.jdbc.SQLServerException: The column name customer_ref is not valid.\n\tat com.microsoft.sqlserver.jdbc.SQLServerException.makeFromDatabaseError(SQLServerException.java:265)",
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Must declare the scalar variable \"@TenantId\". (137) (SQLExecDirectW)",
    ];

    private static readonly string[] s_postgres =
    [
        "Npgsql.PostgresException (0x80004005): 42P01: relation \"public.order_events\" does not exist\n\nPOSITION: 15",
        "42703: column o.shipped_on does not exist",
        "org.postgresql.util.PSQLException: ERROR: permission denied for schema billing\n  Position: 22",
        "ERROR:  insert or update on table \"payments\" violates foreign key constraint \"payments_invoice_id_fkey\"\nDETAIL:  Key (invoice_id)=(9120) is not present in table \"invoices\".",
        "psycopg2.errors.UndefinedFunction: operator does not exist: uuid = text\nLINE 1: ...FROM sessions WHERE sessions.id = '8e2f...'\nHINT:  No operator matches the given name and argument types. You might need to add explicit type casts.",
        "error: invalid input value for enum order_status: \"shipped \"",
        "ERROR: deadlock detected\nDETAIL: Process 3121 waits for ShareLock on transaction 99812; blocked by process 3177.",
        "FATAL:  password authentication failed for user \"api_rw\"",
        "ERROR:  value too long for type character varying(64)",
        "could not serialize access due to concurrent update",
        "ERROR: canceling statement due to statement timeout\nCONTEXT: SQL statement \"SELECT * FROM audit_log WHERE created_at > now() - interval '90 days'\"",
        "error: there is no unique or exclusion constraint matching the ON CONFLICT specification",
    ];

    private static readonly string[] s_mySql =
    [
        "MySql.Data.MySqlClient.MySqlException (0x80004005): Table 'crm.contact_notes' doesn't exist\n   at MySql.Data.MySqlClient.MySqlStream.ReadPacket()\n   at MySql.Data.MySqlClient.NativeDriver.GetResult(Int32& affectedRow, Int64& insertedId)",
        "Error: ER_BAD_FIELD_ERROR: Unknown column 'u.lastlogin' in 'where clause'",
        "ER_DUP_ENTRY: Duplicate entry 'ana@example.org' for key 'users.email'",
        "(1452, 'Cannot add or update a child row: a foreign key constraint fails (`shop`.`order_items`, CONSTRAINT `fk_items_orders` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`))')",
        "SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'desc, price' at line 1",
        "mysql.connector.errors.ProgrammingError: 1146 (42S02): Table 'analytics.page_views_2023' doesn't exist",
        "Data too long for column 'display_name' at row 1",
        "Incorrect integer value: 'abc' for column 'quantity' at row 1",
        "Too many connections",
        "java.sql.SQLIntegrityConstraintViolationException: Column 'created_by' cannot be null\n\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:117)",
        "Subquery returns more than 1 row",
        "Error Code: 1175. You are using safe update mode and you tried to update a table without a WHERE that uses a KEY column.",
    ];

    private static readonly string[] s_oracle =
    [
        "ORA-00904: \"CUSTOMER_NAME\": invalid identifier",
        "ORA-01017: invalid username/password; logon denied",
        "ORA-12154: TNS:could not resolve the connect identifier specified",
        "ORA-01400: cannot insert NULL into (\"APP\".\"ORDERS\".\"STATUS\")",
        "ORA-02291: integrity constraint (APP.FK_LINES_ORDER) violated - parent key not found",
        "Oracle.ManagedDataAccess.Client.OracleException (0x80004005): ORA-00936: missing expression",
        "java.sql.SQLSyntaxErrorException: ORA-00907: missing right parenthesis",
        "ORA-06502: PL/SQL: numeric or value error: character string buffer too small\nORA-06512: at \"APP.PKG_INVOICE\", line 212",
    ];

    private static readonly string[] s_sqlite =
    [
        "Microsoft.Data.Sqlite.SqliteException (0x80004005): SQLite Error 19: 'FOREIGN KEY constraint failed'.",
        "SQLITE_ERROR: no such table: user_settings",
        "sqlite3.IntegrityError: UNIQUE constraint failed: devices.serial",
        "SQLite Error 5: 'database is locked'.",
        "SqliteError: table tasks has no column named priority",
        "android.database.sqlite.SQLiteException: near \"FROM\": syntax error (code 1 SQLITE_ERROR): , while compiling: SELECT id, FROM notes",
    ];
}
