using Microsoft.Extensions.Options;

namespace ApiGuard.Monitoring.Webhooks;

internal sealed class WebhookAlertOptionsValidator : IValidateOptions<WebhookAlertOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookAlertOptions options)
    {
        const string p = "ApiGuard:Webhooks";
        var failures = new List<string>();
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{p}:Endpoints:{i}:Url '{endpoint.Url}' is not an absolute http or https URL.");
            }

            if (!StandardWebhookSigner.TryDecodeSecret(endpoint.Secret, out _))
            {
                failures.Add($"{p}:Endpoints:{i}:Secret is not a Standard Webhooks secret; expected 'whsec_' followed by base64 of {StandardWebhookSigner.MinSecretBytes} to {StandardWebhookSigner.MaxSecretBytes} bytes.");
            }
        }

        if (options.MaxBatchSize is < 1 or > 10_000)
        {
            failures.Add($"{p}:MaxBatchSize is {options.MaxBatchSize}; allowed values are 1 to 10000.");
        }

        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            failures.Add($"{p}:QueueCapacity is {options.QueueCapacity}; allowed values are 1 to 1000000.");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"{p}:MaxAttempts is {options.MaxAttempts}; allowed values are 1 to 20.");
        }

        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"{p}:InitialBackoff must be positive and {p}:MaxBackoff at least as long.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{p}:Timeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
