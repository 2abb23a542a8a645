namespace ApiGuard.Redis;

/// <summary>Settings of ApiGuard's Redis stores (configuration section <c>ApiGuard:Redis</c>).</summary>
public sealed class ApiGuardRedisOptions
{
    /// <summary>Whether the Redis stores replace the in-memory defaults. The sample reads this switch.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>The StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>.</summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>The prefix of every key ApiGuard writes.</summary>
    /// <value>Default: <c>apiguard</c>. Letters, digits, <c>-</c>, <c>_</c> and <c>.</c> only, at most 64 characters.</value>
    public string KeyPrefix { get; set; } = "apiguard";

    /// <summary>The time budget of one Redis call on a request path; past it the caller's failure policy applies.</summary>
    /// <value>Default: 50 ms.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(50);
}
