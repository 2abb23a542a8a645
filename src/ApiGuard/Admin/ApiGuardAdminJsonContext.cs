using System.Text.Json.Serialization;
using ApiGuard.Bots;

namespace ApiGuard.Admin;

/// <summary>Source-generated JSON for the admin endpoints.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<BotProfileSnapshot>))]
[JsonSerializable(typeof(ClientReport))]
[JsonSerializable(typeof(BanEntry))]
[JsonSerializable(typeof(IReadOnlyList<BanEntry>))]
[JsonSerializable(typeof(BanRequest))]
internal sealed partial class ApiGuardAdminJsonContext : JsonSerializerContext;
