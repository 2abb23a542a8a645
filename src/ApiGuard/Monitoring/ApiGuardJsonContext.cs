using System.Text.Json.Serialization;

namespace ApiGuard.Monitoring;

/// <summary>Source-generated JSON for ApiGuard's own payloads (events, webhook batches).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(SecurityEvent))]
[JsonSerializable(typeof(IReadOnlyList<SecurityEvent>))]
[JsonSerializable(typeof(Webhooks.WebhookPayload))]
internal sealed partial class ApiGuardJsonContext : JsonSerializerContext;
