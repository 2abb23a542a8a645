using Microsoft.Extensions.Options;

namespace ApiGuard.Bots;

/// <summary>Validates <see cref="BotDetectionOptions"/> at startup; each failure names the key and what is allowed.</summary>
internal sealed class BotDetectionOptionsValidator : IValidateOptions<BotDetectionOptions>
{
    private const string P = "ApiGuard:Bots";

    public ValidateOptionsResult Validate(string? name, BotDetectionOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{P}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
        }

        Range(failures, "Capacity", options.Capacity, 64, 4_194_304);
        Range(failures, "TimelineClients", options.TimelineClients, 16, 65_536);
        Range(failures, "TimelineLength", options.TimelineLength, 4, 256);
        Range(failures, "MinRequestsForRatios", options.MinRequestsForRatios, 1, 100_000);
        Range(failures, "MaxBans", options.MaxBans, 16, 10_000_000);
        Duration(failures, "Window", options.Window, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        Duration(failures, "ThrottleDuration", options.ThrottleDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Duration(failures, "ChallengeDuration", options.ChallengeDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Duration(failures, "BlockDuration", options.BlockDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));

        if (string.IsNullOrWhiteSpace(options.ThrottlePolicy))
        {
            failures.Add($"{P}:ThrottlePolicy is empty; set the name of the rate-limit policy throttled clients are moved to (default 'bots-throttled').");
        }

        if (string.IsNullOrWhiteSpace(options.ChallengeAuthenticate) || options.ChallengeAuthenticate.AsSpan().ContainsAny('\r', '\n'))
        {
            failures.Add($"{P}:ChallengeAuthenticate must be a single-line WWW-Authenticate value, for example 'DPoP algs=\"ES256 EdDSA\"'.");
        }

        for (var i = 0; i < options.VerifiedAuthenticationTypes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.VerifiedAuthenticationTypes[i]))
            {
                failures.Add($"{P}:VerifiedAuthenticationTypes:{i} is empty; use an authentication scheme name such as 'Signature', 'DPoP' or 'Certificate'.");
            }
        }

        for (var i = 0; i < options.VerifiedClients.Count; i++)
        {
            var id = options.VerifiedClients[i];
            if (id is null || !(id.StartsWith("apikey:", StringComparison.Ordinal) || id.StartsWith("principal:", StringComparison.Ordinal)) || id.Length > 200)
            {
                failures.Add($"{P}:VerifiedClients:{i} '{id}' is not allowed; use a client id of the form 'apikey:<16 hex digits>' or 'principal:<name>' (at most 200 characters).");
            }
        }

        for (var i = 0; i < options.ObjectIdParameters.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ObjectIdParameters[i]))
            {
                failures.Add($"{P}:ObjectIdParameters:{i} is empty; use a route parameter name such as 'id' or 'orderId'.");
            }
        }

        ValidateClass(failures, "Anonymous", options.Anonymous);
        ValidateClass(failures, "Known", options.Known);
        ValidateClass(failures, "Verified", options.Verified);

        if (options.FlowRules.Count > BotFlowRule.MaxRules)
        {
            failures.Add($"{P}:FlowRules has {options.FlowRules.Count} rules; at most {BotFlowRule.MaxRules} are allowed.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in options.FlowRules)
        {
            if (!names.Add(rule.Name))
            {
                failures.Add($"{P}:FlowRules:{rule.Name} is defined twice; flow rule names must be unique.");
            }

            var problem = rule.Validate();
            if (problem is not null)
            {
                failures.Add($"{P}:FlowRules:{rule.Name} {problem}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateClass(List<string> failures, string name, BotClassOptions? c)
    {
        if (c is null)
        {
            failures.Add($"{P}:{name} is missing; remove the null to use the defaults.");
            return;
        }

        NonNegative(failures, name, "MaxRequestsPerSecond", c.MaxRequestsPerSecond);
        NonNegative(failures, name, "MaxBurstPerSecond", c.MaxBurstPerSecond);
        NonNegative(failures, name, "MaxAuthFailures", c.MaxAuthFailures);
        NonNegative(failures, name, "MaxForbidden", c.MaxForbidden);
        NonNegative(failures, name, "MaxRouteScans", c.MaxRouteScans);
        NonNegative(failures, name, "MaxSequentialIds", c.MaxSequentialIds);
        NonNegative(failures, name, "MaxInjectionFindings", c.MaxInjectionFindings);
        NonNegative(failures, name, "MaxRateLimitRejections", c.MaxRateLimitRejections);
        NonNegative(failures, name, "MaxBruteForceEvents", c.MaxBruteForceEvents);
        NonNegative(failures, name, "MaxServerErrors", c.MaxServerErrors);
        NonNegative(failures, name, "MaxUnusualMethods", c.MaxUnusualMethods);
        NonNegative(failures, name, "ThrottleScore", c.ThrottleScore);
        NonNegative(failures, name, "ChallengeScore", c.ChallengeScore);
        NonNegative(failures, name, "BlockScore", c.BlockScore);
        Bounded(failures, name, "MaxErrorRatio", c.MaxErrorRatio, 1);
        Bounded(failures, name, "MaxNotFoundRatio", c.MaxNotFoundRatio, 1);
        Bounded(failures, name, "MaxTooManyRequestsRatio", c.MaxTooManyRequestsRatio, 1);
        Bounded(failures, name, "MaxUnauthorizedRatio", c.MaxUnauthorizedRatio, 1);
        Bounded(failures, name, "MaxForbiddenRatio", c.MaxForbiddenRatio, 1);
        Bounded(failures, name, "MaxServerErrorRatio", c.MaxServerErrorRatio, 1);
        Bounded(failures, name, "MaxDistinctObjectIds", c.MaxDistinctObjectIds, 500);
        Bounded(failures, name, "MaxDistinctRoutes", c.MaxDistinctRoutes, 100);

        if ((c.ThrottleScore > 0 && c.ChallengeScore > 0 && c.ChallengeScore < c.ThrottleScore) ||
            (c.ChallengeScore > 0 && c.BlockScore > 0 && c.BlockScore < c.ChallengeScore) ||
            (c.ThrottleScore > 0 && c.BlockScore > 0 && c.BlockScore < c.ThrottleScore))
        {
            failures.Add($"{P}:{name} thresholds must not decrease: ThrottleScore ({c.ThrottleScore}) <= ChallengeScore ({c.ChallengeScore}) <= BlockScore ({c.BlockScore}), 0 switching one off.");
        }
    }

    private static void Bounded(List<string> failures, string cls, string key, double value, double max)
    {
        if (value < 0 || value > max || double.IsNaN(value))
        {
            failures.Add($"{P}:{cls}:{key} is {value}; allowed values are 0 (off) to {max}.");
        }
    }

    private static void NonNegative(List<string> failures, string cls, string key, double value)
    {
        if (value < 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            failures.Add($"{P}:{cls}:{key} is {value}; allowed values are 0 (off) or a positive number.");
        }
    }

    private static void Range(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{P}:{key} is {value}; allowed values are {min} to {max}.");
        }
    }

    private static void Duration(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{P}:{key} is {value}; allowed values are {min} to {max}.");
        }
    }
}
