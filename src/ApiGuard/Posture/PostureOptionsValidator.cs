using ApiGuard.Posture.Leaks;
using ApiGuard.Posture.Outbound;
using Microsoft.Extensions.Options;

namespace ApiGuard.Posture;

/// <summary>Validates <see cref="PostureOptions"/> at startup; each failure names its key under <c>ApiGuard:Posture</c>.</summary>
internal sealed class PostureOptionsValidator : IValidateOptions<PostureOptions>
{
    private const string P = "ApiGuard:Posture";

    public ValidateOptionsResult Validate(string? name, PostureOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{P}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
        }

        var audit = options.Audit;
        for (var i = 0; i < audit.SuppressedFindings.Count; i++)
        {
            var entry = audit.SuppressedFindings[i];
            if (string.IsNullOrWhiteSpace(entry) || !entry.StartsWith("APIG-POSTURE-", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{P}:Audit:SuppressedFindings:{i} '{entry}' is not a finding id; use 'APIG-POSTURE-001' or 'APIG-POSTURE-001@/route'.");
            }
        }

        var leaks = options.Leaks;
        if (!Enum.IsDefined(leaks.Action))
        {
            failures.Add($"{P}:Leaks:Action has the value '{leaks.Action}'; allowed values are Report, Redact and Withhold.");
        }

        if (leaks.MaxScanBytes is < 256 or > 16 * 1024 * 1024)
        {
            failures.Add($"{P}:Leaks:MaxScanBytes is {leaks.MaxScanBytes}; allowed values are 256 to 16777216.");
        }

        if (double.IsNaN(leaks.SampleRate) || leaks.SampleRate is < 0 or > 1)
        {
            failures.Add($"{P}:Leaks:SampleRate is {leaks.SampleRate}; allowed values are 0 to 1.");
        }

        if (leaks.MaxMatchesPerResponse is < 1 or > 1024)
        {
            failures.Add($"{P}:Leaks:MaxMatchesPerResponse is {leaks.MaxMatchesPerResponse}; allowed values are 1 to 1024.");
        }

        for (var i = 0; i < leaks.DisabledDetectors.Count; i++)
        {
            if (!Enum.IsDefined(leaks.DisabledDetectors[i]) || leaks.DisabledDetectors[i] == LeakType.Custom)
            {
                failures.Add($"{P}:Leaks:DisabledDetectors:{i} has the value '{leaks.DisabledDetectors[i]}'; allowed values are StackTrace, ExceptionType, SqlError, PrivateKey, CloudCredential, Jwt and CardNumber.");
            }
        }

        OutboundGuardOptionsValidator.Validate($"{P}:Outbound", options.Outbound, failures);

        var inventory = options.Inventory;
        if (inventory.MaxUnmatchedShapes is < 1 or > 100_000)
        {
            failures.Add($"{P}:Inventory:MaxUnmatchedShapes is {inventory.MaxUnmatchedShapes}; allowed values are 1 to 100000.");
        }

        if (inventory.ShapeSegments is < 1 or > 8)
        {
            failures.Add($"{P}:Inventory:ShapeSegments is {inventory.ShapeSegments}; allowed values are 1 to 8.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
