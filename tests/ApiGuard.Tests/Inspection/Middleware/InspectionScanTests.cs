using ApiGuard.Inspection;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Tests.Inspection.Middleware;

public class InspectionScanTests
{
    [Fact]
    public void Inspect_Enforce_AsksInspectorToStopAtWhatIsLeftOfTheThreshold()
    {
        var inspector = new MarkerInspector();
        var scan = new InspectionScan(inspector, InspectionExclusionPolicy.Empty, 1, 5, 16, ApiGuardMode.Enforce);

        scan.Inspect("plain"u8, ValueSource.Query, InspectionField.ForPath(0));
        scan.Inspect("WARN"u8, ValueSource.Query, InspectionField.ForPath(1));
        scan.Inspect("more"u8, ValueSource.Query, InspectionField.ForPath(2));

        Assert.Equal([5, 5, 2], inspector.Calls.Select(c => c.Settings.StopAtScore));
    }

    [Fact]
    public void Inspect_DetectOnly_AsksForEveryFinding()
    {
        var inspector = new MarkerInspector();
        var scan = new InspectionScan(inspector, InspectionExclusionPolicy.Empty, 1, 5, 16, ApiGuardMode.DetectOnly);

        scan.Inspect("WARN"u8, ValueSource.Query, InspectionField.ForPath(0));
        scan.Inspect("EVIL"u8, ValueSource.Query, InspectionField.ForPath(1));

        Assert.All(inspector.Calls, c => Assert.Equal(0, c.Settings.StopAtScore));
    }

    [Fact]
    public void Inspect_EnforceOnFieldWithExcludedRules_AsksForEveryFinding()
    {
        // With a rule excluded for the field, an excluded finding must not end the inspection before the ones that count.
        var inspector = new MarkerInspector();
        var policy = new InspectionExclusionPolicy([CompiledExclusion.Compile(new InspectionExclusion { Field = "path:0", RuleIds = [MarkerInspector.EvilRule] })]);
        var scan = new InspectionScan(inspector, policy, 1, 5, 16, ApiGuardMode.Enforce);

        scan.Inspect("EVIL XSSY"u8, ValueSource.Path, InspectionField.ForPath(0));

        Assert.Equal(0, Assert.Single(inspector.Calls).Settings.StopAtScore);
        Assert.Equal(5, scan.Score);
        Assert.Equal(MarkerInspector.XssRule, Assert.Single(scan.Findings).RuleId);
    }
}
