using ApiGuard.Inspection.Body;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Tests.Inspection.Middleware;

public class InspectionFieldPatternTests
{
    [Theory]
    [InlineData("query:q")]
    [InlineData("query:*")]
    [InlineData("header:X-Foo")]
    [InlineData("form:bio")]
    [InlineData("path:2")]
    [InlineData("path:*")]
    [InlineData("json:$")]
    [InlineData("json:*")]
    [InlineData("json:$.user.name")]
    [InlineData("json:$.items[*].note")]
    [InlineData("json:$.items[3]")]
    [InlineData("json:$['a.b'].c")]
    [InlineData("json:$.*.id")]
    [InlineData("body:xml")]
    public void TryParse_Valid_Succeeds(string text)
    {
        Assert.True(InspectionFieldPattern.TryParse(text, out var pattern, out var error), error);
        Assert.NotNull(pattern);
    }

    [Theory]
    [InlineData("q")]
    [InlineData("cookie:session")]
    [InlineData("query:")]
    [InlineData("path:x")]
    [InlineData("json:user.name")]
    [InlineData("json:$.items[")]
    [InlineData("json:$.items[x]")]
    [InlineData("json:$..a")]
    [InlineData("body:html")]
    public void TryParse_Invalid_FailsWithMessage(string text)
    {
        Assert.False(InspectionFieldPattern.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void JsonPathTracker_TracksPathsAndMatchesPatterns()
    {
        using var tracker = new JsonPathTracker(8);
        tracker.Push(isArray: false);
        tracker.SetProperty("items"u8);
        tracker.OnValue();
        tracker.Push(isArray: true);
        tracker.OnValue();
        tracker.Push(isArray: false);
        tracker.SetProperty("note"u8);

        Assert.Equal("$.items[0].note", tracker.ToPathString());
        Assert.Equal("note", tracker.LastPropertyName());
        Assert.True(Matches(tracker, "json:$.items[*].note"));
        Assert.True(Matches(tracker, "json:$.items[0]"));
        Assert.True(Matches(tracker, "json:$.*[*].*"));
        Assert.False(Matches(tracker, "json:$.items[1].note"));
        Assert.False(Matches(tracker, "json:$.items[*].notes"));
        Assert.False(Matches(tracker, "json:$.items[*].note.x"));

        tracker.Pop();
        tracker.OnValue();
        tracker.Push(isArray: false);
        tracker.SetProperty("odd name"u8);
        Assert.Equal("$.items[1]['odd name']", tracker.ToPathString());
        Assert.True(Matches(tracker, "json:$.items[1]['odd name']"));
    }

    private static bool Matches(JsonPathTracker tracker, string pattern)
    {
        Assert.True(InspectionFieldPattern.TryParse(pattern, out var p, out _));
        return p.Matches(InspectionField.ForJson(tracker));
    }
}
