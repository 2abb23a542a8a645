namespace ApiGuard.Monitoring;

/// <summary>Settings of the security event pipeline.</summary>
public sealed class SecurityEventOptions
{
    /// <summary>The capacity of the in-process event channel. When it is full, new events are dropped and counted.</summary>
    /// <value>Default: 10,000. Allowed: 16 to 1,000,000.</value>
    public int Capacity { get; set; } = 10_000;

    /// <summary>The minimum severity written by the logging sink.</summary>
    /// <value>Default: <see cref="SecuritySeverity.Info"/>.</value>
    public SecuritySeverity MinimumLogSeverity { get; set; } = SecuritySeverity.Info;

    /// <summary>Whether decisions are added as tags and events on the request's <see cref="System.Diagnostics.Activity"/>.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool TagActivities { get; set; } = true;
}
