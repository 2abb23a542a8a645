using System.Net;
using System.Text;
using ApiGuard.Inspection;
using ApiGuard.Inspection.Exclusions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.Inspection.Middleware;

public class InspectionExclusionTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task QueryField_InCode_ExcludesThatFieldOnThatEndpointOnly()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e =>
        {
            e.MapGet("/x", () => "x").WithInspectionExclusion("query:q");
            e.MapGet("/y", () => "y");
        });

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/x?q=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/x?Q=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/x?other=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/x?qq=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/y?q=EVIL")).StatusCode);
    }

    [Fact]
    public async Task RuleId_ExcludesOnlyThatRuleInThatField()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e => e.MapGet("/x", () => "x").WithInspectionExclusion("query:q", MarkerInspector.EvilRule));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/x?q=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/x?q=XSSY")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/x?p=EVIL")).StatusCode);
    }

    [Fact]
    public async Task RuleId_ExcludedFindingDoesNotCountButOthersInSameValueDo()
    {
        await using var host = await InspectionTestHost.StartAsync(
            o => o.Mode = ApiGuardMode.DetectOnly,
            map: e => e.MapGet("/x", (HttpContext c) => InspectionTestHost.Capture(c, "x")).WithInspectionExclusion("query:q", MarkerInspector.EvilRule));

        await host.Client.GetAsync("/x?q=EVIL+WARN");

        var feature = host.LastFeature!;
        Assert.Equal(3, feature.Score);
        Assert.Equal(MarkerInspector.WarnRule, Assert.Single(feature.Findings).RuleId);
        Assert.Equal(InspectionOutcome.Passed, feature.Outcome);
    }

    [Fact]
    public async Task Category_EndpointWide_ExcludesThatCategoryInEveryField()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e => e.MapGet("/x", () => "x").WithInspectionExclusion(null, InspectionCategory.Xss));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/x?a=XSSY&b=XSSY")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/x?a=EVIL")).StatusCode);
    }

    [Fact]
    public async Task JsonPath_ArrayWildcard_ExcludesOnlyMatchingPaths()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e => e.MapPost("/orders", () => "ok").WithInspectionExclusion("json:$.items[*].note"));

        async Task<HttpStatusCode> Post(string json) => (await host.Client.PostAsync("/orders", Json(json))).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await Post("""{"items":[{"note":"a"},{"note":"b"},{"note":"c"},{"note":"EVIL"}]}"""));
        Assert.Equal(HttpStatusCode.OK, await Post("""{"items":[{"note":{"deeper":"EVIL"}}]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"items":[{"notes":"EVIL"}]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"note":"EVIL"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"items":[{"x":{"note":"EVIL"}}]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"items":{"note":"EVIL"}}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"other":[{"note":"EVIL"}]}"""));
    }

    [Fact]
    public async Task JsonPath_FixedIndexAndBracketName_MatchExactly()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e => e.MapPost("/x", () => "ok")
            .WithInspectionExclusion("json:$.rows[1]")
            .WithInspectionExclusion("json:$['odd.name']"));

        async Task<HttpStatusCode> Post(string json) => (await host.Client.PostAsync("/x", Json(json))).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await Post("""{"rows":["a","EVIL"]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"rows":["EVIL","a"]}"""));
        Assert.Equal(HttpStatusCode.OK, await Post("""{"odd.name":"EVIL"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("""{"odd":{"name":"EVIL"}}"""));
    }

    [Fact]
    public async Task HeaderPathAndFormFields_Excluded_OnlyThoseFields()
    {
        await using var host = await InspectionTestHost.StartAsync(
            o => o.Headers.AddRange(["X-A", "X-B"]),
            map: e =>
            {
                e.MapGet("/h/{id}", () => "ok").WithInspectionExclusion("header:x-a").WithInspectionExclusion("path:1");
                e.MapPost("/f", () => "ok").WithInspectionExclusion("form:bio");
            });

        async Task<HttpStatusCode> Get(string url, string header, string value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation(header, value);
            return (await host.Client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Get("/h/EVIL", "X-A", "EVIL"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/h/1", "X-B", "EVIL"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/h/1?EVIL", "X-A", "ok"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/f", new FormUrlEncodedContent([new("bio", "EVIL")]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.PostAsync("/f", new FormUrlEncodedContent([new("name", "EVIL")]))).StatusCode);
    }

    [Fact]
    public async Task Attribute_OnHandler_ExcludesField()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e =>
            e.MapGet("/attr", [InspectionExclusion("query:q")] [InspectionExclusion("query:r", RuleIds = [MarkerInspector.EvilRule])] () => "ok"));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/attr?q=EVIL&r=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/attr?r=XSSY")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/attr?s=EVIL")).StatusCode);
    }

    [Fact]
    public async Task Configuration_RouteFieldAndCategory_AreBoundAndApplied()
    {
        await using var host = await InspectionTestHost.StartAsync(
            map: e =>
            {
                e.MapPost("/api/notes/{id}", () => "ok");
                e.MapPost("/api/other", () => "ok");
            },
            configuration: new()
            {
                ["ApiGuard:Inspection:Exclusions:0:Route"] = "/api/notes/{id}",
                ["ApiGuard:Inspection:Exclusions:0:Field"] = "json:$.body",
                ["ApiGuard:Inspection:Exclusions:1:Field"] = "query:trace",
                ["ApiGuard:Inspection:Exclusions:1:Categories:0"] = "Sqli",
            });

        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/notes/1", Json("""{"body":"EVIL"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.PostAsync("/api/notes/1", Json("""{"title":"EVIL"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.PostAsync("/api/other", Json("""{"body":"EVIL"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/other?trace=EVIL", Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.PostAsync("/api/other?trace=XSSY", Json("{}"))).StatusCode);
    }

    [Fact]
    public async Task Configuration_RouteOnly_SkipsWholeEndpoint()
    {
        await using var host = await InspectionTestHost.StartAsync(
            map: e =>
            {
                e.MapGet("/internal", () => "ok");
                e.MapGet("/public", () => "ok");
            },
            configuration: new() { ["ApiGuard:Inspection:Exclusions:0:Route"] = "/internal" });

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/internal?q=EVIL")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/public?q=EVIL")).StatusCode);
    }

    [Fact]
    public async Task FieldType_Declared_IsPassedToInspectorForThatFieldOnly()
    {
        await using var host = await InspectionTestHost.StartAsync(
            map: e => e.MapPost("/typed", () => "ok").WithInspectionField("query:next", FieldType.Url).WithInspectionField("json:$.avatar", FieldType.Base64),
            configuration: new()
            {
                ["ApiGuard:Inspection:Exclusions:0:Field"] = "header:X-Request-Id",
                ["ApiGuard:Inspection:Exclusions:0:FieldType"] = "Identifier",
                ["ApiGuard:Inspection:Headers:0"] = "X-Request-Id",
            });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/typed?next=n1&other=o1") { Content = Json("""{"avatar":"a1","name":"b1"}""") };
        request.Headers.TryAddWithoutValidation("X-Request-Id", "r1");

        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(request)).StatusCode);

        var marker = host.Marker!;
        Assert.Equal(FieldType.Url, Assert.Single(marker.SettingsFor("n1")).FieldType);
        Assert.Equal(FieldType.FreeText, Assert.Single(marker.SettingsFor("o1")).FieldType);
        Assert.Equal(FieldType.Base64, Assert.Single(marker.SettingsFor("a1")).FieldType);
        Assert.Equal(FieldType.FreeText, Assert.Single(marker.SettingsFor("b1")).FieldType);
        Assert.Equal(FieldType.Identifier, Assert.Single(marker.SettingsFor("r1")).FieldType);
    }

    [Fact]
    public async Task FieldType_WithoutRules_DoesNotExcludeFindings()
    {
        await using var host = await InspectionTestHost.StartAsync(map: e => e.MapGet("/t", () => "ok").WithInspectionField("query:next", FieldType.Url));

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/t?next=EVIL")).StatusCode);
    }

    [Theory]
    [InlineData("ApiGuard:Inspection:Exclusions:0:Field", "bogus", "ApiGuard:Inspection:Exclusions:0:Field")]
    [InlineData("ApiGuard:Inspection:Exclusions:0:Field", "json:items", "ApiGuard:Inspection:Exclusions:0:Field")]
    [InlineData("ApiGuard:Inspection:ParanoiaLevel", "5", "ApiGuard:Inspection:ParanoiaLevel")]
    [InlineData("ApiGuard:Inspection:BlockThreshold", "0", "ApiGuard:Inspection:BlockThreshold")]
    [InlineData("ApiGuard:Inspection:MaxBytesInspected", "10", "ApiGuard:Inspection:MaxBytesInspected")]
    [InlineData("ApiGuard:Inspection:Headers:0", "Bad Header", "ApiGuard:Inspection:Headers:0")]
    public async Task InvalidConfiguration_FailsAtStartupNamingTheKey(string key, string value, string expectedKey)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => InspectionTestHost.StartAsync(configuration: new() { [key] = value }));

        Assert.Contains(expectedKey, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_ExclusionOfEverything_FailsAtStartup()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => InspectionTestHost.StartAsync(o => o.Exclusions.Add(new InspectionExclusion())));

        Assert.Contains("ApiGuard:Inspection:Exclusions:0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithInspectionExclusion_InvalidField_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        Assert.Throws<ArgumentException>(() => app.MapGet("/x", () => "x").WithInspectionExclusion("nope:q"));
        Assert.Throws<ArgumentException>(() => app.MapGet("/y", () => "y").WithInspectionExclusion("query:q", Array.Empty<int>()));
    }
}
