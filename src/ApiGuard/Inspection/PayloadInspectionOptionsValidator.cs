using ApiGuard.Inspection.Exclusions;
using Microsoft.Extensions.Options;

namespace ApiGuard.Inspection;

/// <summary>Validates <see cref="PayloadInspectionOptions"/> at startup; each failure names the key and what is allowed.</summary>
internal sealed class PayloadInspectionOptionsValidator : IValidateOptions<PayloadInspectionOptions>
{
    private const string P = "ApiGuard:Inspection";

    public ValidateOptionsResult Validate(string? name, PayloadInspectionOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{P}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly (or leave it unset to inherit ApiGuard:Mode).");
        }

        if (options.ParanoiaLevel is < 1 or > 4)
        {
            failures.Add($"{P}:ParanoiaLevel is {options.ParanoiaLevel}; allowed values are 1 to 4.");
        }

        if (options.BlockThreshold is < 1 or > 1000)
        {
            failures.Add($"{P}:BlockThreshold is {options.BlockThreshold}; allowed values are 1 to 1000.");
        }

        if (options.MaxBytesInspected is < 1024 or > 256 * 1024 * 1024)
        {
            failures.Add($"{P}:MaxBytesInspected is {options.MaxBytesInspected}; allowed values are 1024 to 268435456 bytes.");
        }

        if (!Enum.IsDefined(options.OversizeAction))
        {
            failures.Add($"{P}:OversizeAction has the value '{options.OversizeAction}'; allowed values are InspectPrefix, Reject413 and SkipAndReport.");
        }

        if (options.MaxJsonDepth is < 1 or > 256)
        {
            failures.Add($"{P}:MaxJsonDepth is {options.MaxJsonDepth}; allowed values are 1 to 256.");
        }

        if (options.MaxFindingsPerRequest is < 1 or > 256)
        {
            failures.Add($"{P}:MaxFindingsPerRequest is {options.MaxFindingsPerRequest}; allowed values are 1 to 256.");
        }

        for (var i = 0; i < options.Headers.Count; i++)
        {
            var header = options.Headers[i];
            if (string.IsNullOrWhiteSpace(header) || header.AsSpan().IndexOfAny(" :\t\r\n") >= 0)
            {
                failures.Add($"{P}:Headers:{i} '{header}' is not a header name; use a name like 'User-Agent'.");
            }
        }

        for (var i = 0; i < options.Exclusions.Count; i++)
        {
            ValidateExclusion($"{P}:Exclusions:{i}", options.Exclusions[i], failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void ValidateExclusion(string key, InspectionExclusion exclusion, List<string> failures)
    {
        if (exclusion is null)
        {
            failures.Add($"{key} is empty.");
            return;
        }

        if (exclusion.Field is { } field && !InspectionFieldPattern.TryParse(field, out _, out var error))
        {
            failures.Add($"{key}:Field '{field}' is invalid: {error}.");
        }

        if (exclusion.FieldType is { } type)
        {
            if (!Enum.IsDefined(type))
            {
                failures.Add($"{key}:FieldType has the value '{type}'; allowed values are FreeText, Base64, Url and Identifier.");
            }

            if (exclusion.Field is null)
            {
                failures.Add($"{key}:FieldType needs {key}:Field (the field being declared, for example 'query:next').");
            }
        }

        foreach (var category in exclusion.Categories)
        {
            if (!Enum.IsDefined(category))
            {
                failures.Add($"{key}:Categories contains '{category}'; allowed values are {string.Join(", ", Enum.GetNames<InspectionCategory>())}.");
            }
        }

        if (exclusion.Route is null && exclusion.Field is null && exclusion.RuleIds.Count == 0 && exclusion.Categories.Count == 0 && exclusion.FieldType is null)
        {
            failures.Add($"{key} excludes everything everywhere; give a Route, a Field, RuleIds or Categories (to switch inspection off use ApiGuard:Policies or DisableApiGuard).");
        }
    }
}
