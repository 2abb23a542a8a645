using System.Net;
using System.Text;
using ApiGuard.Inspection;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ApiGuard.Tests.Inspection.Middleware;

/// <summary>The middleware with the real <see cref="PayloadInspector"/> registered by <c>AddPayloadInspection()</c>.</summary>
public class InspectionRealEngineTests
{
    [Fact]
    public async Task AddPayloadInspection_RegistersRealEngineByDefault()
    {
        await using var host = await InspectionTestHost.StartAsync(realInspector: true);

        Assert.IsType<PayloadInspector>(host.Services.GetRequiredService<IPayloadInspector>());
    }

    [Theory]
    [InlineData("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "query:q", InspectionCategory.Xss)]
    [InlineData("/search?file=..%2F..%2F..%2F..%2Fetc%2Fpasswd", "query:file", InspectionCategory.Lfi)]
    [InlineData("/search?user[$ne]=1", "query:user[$ne]", InspectionCategory.Nosqli)]
    [InlineData("/search?q=1%27%20UNION%20SELECT%20password%20FROM%20users--", "query:q", InspectionCategory.Sqli)]
    public async Task Query_RealAttacks_BlockedWithCategoryAndLocation(string url, string location, InspectionCategory category)
    {
        await using var host = await InspectionTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly, realInspector: true);

        var response = await host.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(InspectionOutcome.WouldBlock, host.LastFeature!.Outcome);
        Assert.Contains(host.LastFeature.Findings, f => f.Location == location && f.Category == category);
    }

    [Fact]
    public async Task Json_RealAttackInNestedField_Blocked_BenignProseNot()
    {
        await using var host = await InspectionTestHost.StartAsync(realInspector: true);

        var attack = await host.Client.PostAsync("/echo", new StringContent("""{"user":{"name":"<img src=x onerror=alert(1)>"}}""", Encoding.UTF8, "application/json"));
        var benign = await host.Client.PostAsync("/echo", new StringContent(
            """{"user":{"name":"Seán O'Brien","bio":"I select the best & drop the rest; 3 < 4 (mostly)."},"tags":["a-b","c_d"],"n":3}""",
            Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, attack.StatusCode);
        Assert.Contains(host.Events.Inspection, e => e.Location == "json:$.user.name" && e.Kind == "injection.xss");
        Assert.Equal(HttpStatusCode.OK, benign.StatusCode);
    }

    [Fact]
    public async Task Xml_ExternalEntity_Blocked()
    {
        await using var host = await InspectionTestHost.StartAsync(realInspector: true);
        const string xxe = """<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>""";

        var response = await host.Client.PostAsync("/echo", new StringContent(xxe, Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(host.Events.Inspection, e => e.Location == "body:xml" && e.Kind == "injection.xxe");
    }

    [Fact]
    public async Task Form_CommandInjection_Blocked()
    {
        await using var host = await InspectionTestHost.StartAsync(realInspector: true);

        var response = await host.Client.PostAsync("/form", new FormUrlEncodedContent([new("host", "example.com; cat /etc/passwd")]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(host.Events.Inspection, e => e.Location == "form:host");
    }

    [Fact]
    public async Task FieldType_Identifier_NarrowsToIdentifierCheck()
    {
        await using var host = await InspectionTestHost.StartAsync(realInspector: true, map: e => e.MapGet("/ids", () => "ok").WithInspectionField("query:id", FieldType.Identifier));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/ids?id=order-42_a.b")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/ids?id=" + Uri.EscapeDataString("1' OR '1'='1"))).StatusCode);
    }

    [Fact]
    public async Task Metrics_RequestsFindingsAndBodyErrors_AreRecorded()
    {
        await using var host = await InspectionTestHost.StartAsync(realInspector: true);
        var factory = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var requests = new MetricCollector<long>(factory, ApiGuardTelemetryTags.MeterName, InspectionMetrics.RequestsName);
        using var findings = new MetricCollector<long>(factory, ApiGuardTelemetryTags.MeterName, InspectionMetrics.FindingsName);
        using var errors = new MetricCollector<long>(factory, ApiGuardTelemetryTags.MeterName, InspectionMetrics.BodyErrorsName);
        using var bytes = new MetricCollector<long>(factory, ApiGuardTelemetryTags.MeterName, InspectionMetrics.BytesName);

        await host.Client.GetAsync("/search?q=hello");
        await host.Client.GetAsync("/search?q=" + Uri.EscapeDataString("<script>alert(1)</script>"));
        await host.Client.PostAsync("/echo", new StringContent("{\"a\":", Encoding.UTF8, "application/json"));

        var outcomes = requests.GetMeasurementSnapshot().Select(m => (string)m.Tags[ApiGuardTelemetryTags.Action]!).ToArray();
        Assert.Equal(["passed", "blocked", "blocked"], outcomes);
        Assert.Contains(findings.GetMeasurementSnapshot(), m => (string)m.Tags[ApiGuardTelemetryTags.Kind]! == "injection.xss");
        Assert.Equal("malformed", Assert.Single(errors.GetMeasurementSnapshot()).Tags[ApiGuardTelemetryTags.ErrorType]);
        Assert.True(bytes.GetMeasurementSnapshot().Sum(m => m.Value) >= "hello".Length);
    }
}
