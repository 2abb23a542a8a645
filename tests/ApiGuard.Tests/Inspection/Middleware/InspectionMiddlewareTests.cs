using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ApiGuard.Inspection;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Builder;

namespace ApiGuard.Tests.Inspection.Middleware;

public class InspectionMiddlewareTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type, string? mustNotContain = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(type, doc.RootElement.GetProperty("type").GetString());
        if (mustNotContain is not null)
        {
            Assert.DoesNotContain(mustNotContain, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Query_AttackValue_Returns403ProblemWithoutEcho()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.GetAsync("/search?q=xxEVILxx");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, ApiGuardProblemTypes.InjectionDetected, mustNotContain: "EVIL");
        var e = Assert.Single(host.Events.Inspection);
        Assert.Equal("injection.sqli", e.Kind);
        Assert.Equal(SecurityAction.Blocked, e.Action);
        Assert.Equal("query:q", e.Location);
        Assert.Equal("942100", e.RuleId);
    }

    [Fact]
    public async Task Query_BenignValue_PassesAndFeatureIsClean()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.GetAsync("/search?q=hello&page=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var feature = Assert.IsAssignableFrom<IInspectionFeature>(host.LastFeature);
        Assert.Equal(0, feature.Score);
        Assert.Equal(InspectionOutcome.Passed, feature.Outcome);
        Assert.Empty(feature.Findings);
        Assert.Empty(host.Events.Inspection);
        Assert.Contains(host.Marker!.Calls, c => c.Value == "hello" && c.Settings.Source == ValueSource.Query);
        Assert.Contains(host.Marker!.Calls, c => c.Value == "page" && c.Settings.Source == ValueSource.Query);
    }

    [Fact]
    public async Task Query_AttackInName_ReportedAsNamePart()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);

        var response = await host.Client.GetAsync("/search?EVIL=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var finding = Assert.Single(host.LastFeature!.Findings);
        Assert.Equal("query:EVIL", finding.Location);
        Assert.Equal(InspectionValuePart.Name, finding.Part);
    }

    [Fact]
    public async Task Path_AttackSegment_BlockedWithSegmentLocation()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.GetAsync("/items/EVIL");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, ApiGuardProblemTypes.InjectionDetected);
        Assert.Equal("path:1", Assert.Single(host.Events.Inspection).Location);
    }

    [Fact]
    public async Task DetectOnly_Attack_Returns200WithWouldBlockEventAndFeature()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);

        var response = await host.Client.GetAsync("/search?q=EVIL");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = Assert.Single(host.Events.Inspection);
        Assert.Equal(SecurityAction.WouldBlock, e.Action);
        Assert.Equal(SecuritySeverity.High, e.Severity);
        var feature = host.LastFeature!;
        Assert.Equal(ApiGuardMode.DetectOnly, feature.Mode);
        Assert.Equal(InspectionOutcome.WouldBlock, feature.Outcome);
        Assert.Equal(5, feature.Score);
        var finding = Assert.Single(feature.Findings);
        Assert.Equal(MarkerInspector.EvilRule, finding.RuleId);
        Assert.Equal(InspectionCategory.Sqli, finding.Category);
        Assert.Equal("EVIL", finding.Excerpt);
    }

    [Fact]
    public async Task GlobalDetectOnly_FromConfiguration_IsHonoured()
    {
        await using var host = await InspectionTestHost.StartAsync(configuration: new() { ["ApiGuard:Mode"] = "DetectOnly" });

        var response = await host.Client.GetAsync("/search?q=EVIL");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SecurityAction.WouldBlock, Assert.Single(host.Events.Inspection).Action);
    }

    [Fact]
    public async Task Scoring_FindingsBelowThreshold_PassAndAreReportedAsAllowed()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.GetAsync("/search?q=WARN");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, host.LastFeature!.Score);
        Assert.Equal(InspectionOutcome.Passed, host.LastFeature.Outcome);
        Assert.Equal(SecurityAction.Allowed, Assert.Single(host.Events.Inspection).Action);
    }

    [Fact]
    public async Task Scoring_FindingsAcrossFields_SumToBlock()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.GetAsync("/search?a=WARN&b=WARN");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(2, host.Events.Inspection.Count(e => e.Action == SecurityAction.Blocked));
    }

    [Fact]
    public async Task Scoring_LowerThreshold_BlocksSingleWarning()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.BlockThreshold = 3);

        var response = await host.Client.GetAsync("/search?q=WARN");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ParanoiaLevel_Configured_IsPassedToInspector()
    {
        await using var host = await InspectionTestHost.StartAsync(configuration: new() { ["ApiGuard:Inspection:ParanoiaLevel"] = "3" });

        await host.Client.GetAsync("/search?q=value");

        Assert.All(host.Marker!.SettingsFor("value"), s => Assert.Equal(3, s.ParanoiaLevel));
        Assert.NotEmpty(host.Marker!.SettingsFor("value"));
    }

    [Fact]
    public async Task Headers_ConfiguredHeaderInspected_AuthorizationAndCookieNotByDefault()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Headers.Add("X-Custom"));

        using var benign = new HttpRequestMessage(HttpMethod.Get, "/search");
        benign.Headers.TryAddWithoutValidation("Authorization", "Bearer EVIL");
        benign.Headers.TryAddWithoutValidation("Cookie", "session=EVIL");
        var passed = await host.Client.SendAsync(benign);

        using var attack = new HttpRequestMessage(HttpMethod.Get, "/search");
        attack.Headers.TryAddWithoutValidation("X-Custom", "EVIL");
        var blocked = await host.Client.SendAsync(attack);

        using var agent = new HttpRequestMessage(HttpMethod.Get, "/search");
        agent.Headers.TryAddWithoutValidation("User-Agent", "EVIL");
        var blockedAgent = await host.Client.SendAsync(agent);

        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, blockedAgent.StatusCode);
        Assert.Contains(host.Events.Inspection, e => e.Location == "header:X-Custom");
        Assert.DoesNotContain(host.Marker!.Calls, c => c.Value.Contains("Bearer", StringComparison.Ordinal) || c.Value.Contains("session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Headers_DefaultsSwitchedOff_UserAgentNotInspected()
    {
        await using var host = await InspectionTestHost.StartAsync(configuration: new() { ["ApiGuard:Inspection:IncludeDefaultHeaders"] = "false" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/search");
        request.Headers.TryAddWithoutValidation("User-Agent", "EVIL");

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Json_AttackInNestedValue_LocationIsJsonPath()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);

        var response = await host.Client.PostAsync("/echo", Json("""{"user":{"id":7,"name":"EVIL","ok":true},"items":[{"note":"a"},{"note":"b"},{"note":"c"},{"note":"x WARN"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var findings = host.LastFeature!.Findings;
        Assert.Contains(findings, f => f.Location == "json:$.user.name" && f.Part == InspectionValuePart.Value);
        Assert.Contains(findings, f => f.Location == "json:$.items[3].note" && f.Excerpt == "WARN");
        Assert.Equal(InspectionBodyStatus.Inspected, host.LastFeature.BodyStatus);
    }

    [Fact]
    public async Task Json_AttackInPropertyName_ReportedAsName()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);

        await host.Client.PostAsync("/echo", Json("""{"filter":{"EVIL":1}}"""));

        var finding = Assert.Single(host.LastFeature!.Findings);
        Assert.Equal("json:$.filter.EVIL", finding.Location);
        Assert.Equal(InspectionValuePart.Name, finding.Part);
        Assert.Contains(host.Marker!.Calls, c => c.Value == "EVIL" && c.Settings.Source == ValueSource.JsonPropertyName);
    }

    [Fact]
    public async Task Json_EscapedValue_IsInspectedUnescaped()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.PostAsync("/echo", Json("""{"a":"\u0045V\u0049L"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Json_BenignBody_ReachesAppUnchanged()
    {
        await using var host = await InspectionTestHost.StartAsync();
        var json = """{"name":"O'Brien","tags":["a","b"],"price":12.5,"nested":{"deep":[1,2,{"x":null}]}}""";

        var response = await host.Client.PostAsync("/echo", Json(json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(json, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_LargeBodyStreamedInChunks_ReachesAppAndAttackAtEndIsFound()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);
        var sb = new StringBuilder("{\"rows\":[");
        for (var i = 0; i < 5000; i++)
        {
            sb.Append("{\"id\":").Append(i).Append(",\"text\":\"row number ").Append(i).Append(" with some text\"},");
        }

        sb.Append("{\"id\":-1,\"text\":\"EVIL\"}]}");
        var json = sb.ToString();

        using var content = new UnknownLengthContent(json, "application/json", 1000);
        var response = await host.Client.PostAsync("/echo", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(json, await response.Content.ReadAsStringAsync());
        Assert.Equal("json:$.rows[5000].text", Assert.Single(host.LastFeature!.Findings).Location);
    }

    [Fact]
    public async Task Json_BodyReadThroughPipeReader_IsComplete()
    {
        await using var host = await InspectionTestHost.StartAsync();
        var json = "{\"text\":\"" + new string('a', 100_000) + "\"}";

        var response = await host.Client.PostAsync("/echo-pipe", Json(json));

        Assert.Equal(json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("   ")]
    [InlineData("{\"a\":\"\\ud800\"}")]
    public async Task Json_Malformed_Returns400Problem(string body)
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.PostAsync("/echo", Json(body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ApiGuardProblemTypes.MalformedRequest);
        Assert.Equal(SecurityAction.Blocked, Assert.Single(host.Events.Inspection, e => e.Kind == "inspection.malformed").Action);
    }

    [Fact]
    public async Task Json_EmptyChunkedBody_IsNotMalformed()
    {
        await using var host = await InspectionTestHost.StartAsync();
        using var content = new UnknownLengthContent(string.Empty, "application/json");

        var response = await host.Client.PostAsync("/echo", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(InspectionBodyStatus.NotInspected, host.LastFeature!.BodyStatus);
    }

    [Fact]
    public async Task Json_InvalidUtf8_Returns400Problem()
    {
        await using var host = await InspectionTestHost.StartAsync();
        byte[] bytes = [.. "{\"a\":\"x"u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()];
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await host.Client.PostAsync("/echo", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ApiGuardProblemTypes.MalformedRequest);
    }

    [Fact]
    public async Task Json_TooDeep_Returns400Problem()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.MaxJsonDepth = 8);

        var response = await host.Client.PostAsync("/echo", Json(new string('[', 20) + new string(']', 20)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ApiGuardProblemTypes.MalformedRequest);
    }

    [Fact]
    public async Task Json_MalformedInDetectOnly_AppStillGetsBodyAndEventIsWouldBlock()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);

        var response = await host.Client.PostAsync("/echo", Json("{\"a\":"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"a\":", await response.Content.ReadAsStringAsync());
        Assert.Equal(InspectionBodyStatus.Malformed, host.LastFeature!.BodyStatus);
        Assert.Equal(SecurityAction.WouldBlock, Assert.Single(host.Events.Inspection, e => e.Kind == "inspection.malformed").Action);
    }

    [Fact]
    public async Task Form_PercentEncodedAttack_IsDecodedOnceAndBlocked()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.PostAsync("/form", new StringContent("name=bob&comment=%45VIL", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("form:comment", Assert.Single(host.Events.Inspection).Location);
    }

    [Fact]
    public async Task Form_Benign_AppReadsFormAfterInspection()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.PostAsync("/form", new FormUrlEncodedContent([new("name", "O'Brien & sons"), new("n", "1")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("name=O'Brien & sons&n=1|files=0", await response.Content.ReadAsStringAsync());
        Assert.Contains(host.Marker!.Calls, c => c.Value == "O'Brien & sons" && c.Settings.Source == ValueSource.Form);
    }

    [Fact]
    public async Task Multipart_FieldValueInspected_FileContentNotButFileNameIs()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);
        using var content = new MultipartFormDataContent("----boundary42");
        content.Add(new StringContent("hello EVIL"), "comment");
        content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("binary EVIL content")), "upload", "WARN.txt");

        var response = await host.Client.PostAsync("/form", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("comment=hello EVIL|files=1", await response.Content.ReadAsStringAsync());
        var findings = host.LastFeature!.Findings;
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Location == "form:comment" && f.RuleId == MarkerInspector.EvilRule && f.Part == InspectionValuePart.Value);
        Assert.Contains(findings, f => f.Location == "form:upload" && f.RuleId == MarkerInspector.WarnRule && f.Part == InspectionValuePart.FileName);
    }

    [Fact]
    public async Task Multipart_MissingBoundary_Returns400()
    {
        await using var host = await InspectionTestHost.StartAsync();
        using var content = new StringContent("--x\r\n\r\nabc", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");

        var response = await host.Client.PostAsync("/echo", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ApiGuardProblemTypes.MalformedRequest);
    }

    [Theory]
    [InlineData("application/xml", "xml", ValueSource.Xml)]
    [InlineData("text/plain", "text", ValueSource.Raw)]
    public async Task XmlAndText_WholeBodyInspected(string mediaType, string location, ValueSource source)
    {
        await using var host = await InspectionTestHost.StartAsync();
        var body = "<a>EVIL</a>";

        var response = await host.Client.PostAsync("/echo", new StringContent(body, Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("body:" + location, Assert.Single(host.Events.Inspection).Location);
        Assert.Contains(host.Marker!.Calls, c => c.Value == body && c.Settings.Source == source);
    }

    [Fact]
    public async Task UnknownContentType_IsNotInspected()
    {
        await using var host = await InspectionTestHost.StartAsync();

        var response = await host.Client.PostAsync("/echo", new ByteArrayContent("EVIL"u8.ToArray()) { Headers = { ContentType = new("application/octet-stream") } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(InspectionBodyStatus.NotInspected, host.LastFeature!.BodyStatus);
    }

    [Fact]
    public async Task Oversize_Reject413WithContentLength_Returns413Problem()
    {
        await using var host = await InspectionTestHost.StartAsync(o =>
        {
            o.MaxBytesInspected = 1024;
            o.OversizeAction = InspectionOversizeAction.Reject413;
        });

        var response = await host.Client.PostAsync("/echo", Json("{\"a\":\"" + new string('x', 2000) + "\"}"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ApiGuardProblemTypes.PayloadTooLarge);
        Assert.Equal(SecurityAction.Blocked, Assert.Single(host.Events.Inspection, e => e.Kind == "inspection.oversize").Action);
    }

    [Fact]
    public async Task Oversize_Reject413Chunked_Returns413Problem()
    {
        await using var host = await InspectionTestHost.StartAsync(o =>
        {
            o.MaxBytesInspected = 1024;
            o.OversizeAction = InspectionOversizeAction.Reject413;
        });
        using var content = new UnknownLengthContent("{\"a\":\"" + new string('x', 5000) + "\"}", "application/json");

        var response = await host.Client.PostAsync("/echo", content);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ApiGuardProblemTypes.PayloadTooLarge);
    }

    [Fact]
    public async Task Oversize_InspectPrefix_FindsAttackInPrefixOnlyAndAppGetsWholeBody()
    {
        await using var host = await InspectionTestHost.StartAsync(o =>
        {
            o.MaxBytesInspected = 1024;
            o.OversizeAction = InspectionOversizeAction.InspectPrefix;
        });
        var tailAttack = "{\"a\":\"" + new string('x', 2000) + "\",\"b\":\"EVIL\"}";
        var headAttack = "{\"b\":\"EVIL\",\"a\":\"" + new string('x', 2000) + "\"}";

        var passed = await host.Client.PostAsync("/echo", Json(tailAttack));
        var feature = host.LastFeature!;
        var blocked = await host.Client.PostAsync("/echo", Json(headAttack));

        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal(tailAttack, await passed.Content.ReadAsStringAsync());
        Assert.Equal(InspectionBodyStatus.PrefixInspected, feature.BodyStatus);
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Contains(host.Events.Inspection, e => e.Kind == "inspection.oversize" && e.Action == SecurityAction.Allowed);
    }

    [Fact]
    public async Task Oversize_SkipAndReport_BodyNotInspectedAndReported()
    {
        await using var host = await InspectionTestHost.StartAsync(o =>
        {
            o.MaxBytesInspected = 1024;
            o.OversizeAction = InspectionOversizeAction.SkipAndReport;
        });
        var body = "{\"b\":\"EVIL\",\"a\":\"" + new string('x', 2000) + "\"}";
        using var chunked = new UnknownLengthContent(body, "application/json", 300);

        var withLength = await host.Client.PostAsync("/echo", Json(body));
        var withoutLength = await host.Client.PostAsync("/echo", chunked);

        Assert.Equal(HttpStatusCode.OK, withLength.StatusCode);
        Assert.Equal(body, await withLength.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, withoutLength.StatusCode);
        Assert.Equal(body, await withoutLength.Content.ReadAsStringAsync());
        Assert.Equal(InspectionBodyStatus.Skipped, host.LastFeature!.BodyStatus);
        Assert.Equal(2, host.Events.Inspection.Count(e => e.Kind == "inspection.oversize"));
        Assert.DoesNotContain(host.Events.Inspection, e => e.Kind.StartsWith("injection.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisabledEndpoint_IsNotInspected()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e => e.MapGet("/off", () => "off").DisableApiGuard(ApiGuardCapabilities.Inspection));

        var response = await host.Client.GetAsync("/off?q=EVIL");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Marker!.Calls);
    }

    [Fact]
    public async Task Excerpt_SecretField_IsMasked()
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);

        await host.Client.PostAsync("/echo", Json("""{"password":"hunter2 EVIL","note":"EVIL aB3dE5gH7jK9mN1pQ"}"""));

        var findings = host.LastFeature!.Findings;
        Assert.Equal("[masked]", Assert.Single(findings, f => f.Location == "json:$.password").Excerpt);
        Assert.Equal("EVIL", Assert.Single(findings, f => f.Location == "json:$.note").Excerpt);
        Assert.All(host.Events.Inspection, e => Assert.DoesNotContain("hunter2", e.Properties!["excerpt"], StringComparison.Ordinal));
    }
}
