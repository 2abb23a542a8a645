using ApiGuard.DependencyInjection;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Infrastructure;

/// <summary>
/// A minimal capability used to test the foundation's shared mechanics (modes, metadata, events):
/// it blocks any request carrying the header <c>X-Test-Block</c>.
/// </summary>
internal sealed class TestBlockingMiddleware(RequestDelegate next, ApiGuardModeResolver modes, ISecurityEventPublisher events)
{
    public const string Capability = ApiGuardCapabilities.Inspection;

    public Task Invoke(HttpContext context)
    {
        if (modes.IsDisabled(context, Capability) || !context.Request.Headers.ContainsKey("X-Test-Block"))
        {
            return next(context);
        }

        var mode = modes.Resolve(context, Capability);
        var enforce = mode == ApiGuardMode.Enforce;
        events.Publish(new SecurityEvent
        {
            Capability = Capability,
            Kind = "test.block",
            Severity = SecuritySeverity.High,
            Action = enforce ? SecurityAction.Blocked : SecurityAction.WouldBlock,
            RuleId = "test-rule",
        }, context);
        return enforce
            ? ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.InjectionDetected, 403, "Request blocked"))
            : next(context);
    }
}

internal static class TestCapabilityExtensions
{
    public static IApiGuardBuilder AddTestCapability(this IApiGuardBuilder builder) =>
        builder.AddMiddleware<TestBlockingMiddleware>(ApiGuardStage.Inspection);
}

/// <summary>A sink that keeps what it receives, for assertions.</summary>
internal sealed class CollectingSink : ISecurityEventSink
{
    private readonly List<SecurityEvent> _events = [];
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyList<SecurityEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public ValueTask WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            _events.AddRange(events);
        }

        _signal.Release(events.Count);
        return ValueTask.CompletedTask;
    }

    public async Task<SecurityEvent> WaitForAsync(Func<SecurityEvent, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var match = Events.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await _signal.WaitAsync(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException("No matching security event arrived.");
    }
}
