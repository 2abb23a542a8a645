using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Posture.Audit;

/// <summary>
/// Captures the built request pipeline and lists the middleware types in it. An <see cref="IStartupFilter"/> puts a
/// zero-cost component first (it returns <c>next</c> unchanged) and keeps the delegate; the audit then walks the chain of
/// middleware instances: <c>RequestDelegate.Target</c>, the closures <c>UseMiddleware</c> builds (including compiled
/// closures' constants), and the middlewares' own <c>RequestDelegate</c> fields. This finds <c>DeveloperExceptionPageMiddleware</c>,
/// <c>HttpsRedirectionMiddleware</c> and <c>HstsMiddleware</c>, including those <c>WebApplication</c> adds itself.
/// Best effort: a middleware hidden behind an opaque delegate is not seen (the result says whether a pipeline was captured).
/// </summary>
internal sealed class PipelineInspector : IStartupFilter
{
    private const int MaxObjects = 4096;
    private RequestDelegate? _pipeline;

    public bool Captured => _pipeline is not null;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(inner =>
        {
            _pipeline = inner;
            return inner;
        });
        next(app);
    };

    /// <summary>The full names of the types found along the pipeline (middlewares, and the closures between them).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best-effort diagnostics over types that are alive in the pipeline; a trimmed field only hides a middleware from the audit.")]
    public IReadOnlySet<string> GetMiddlewareTypeNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (_pipeline is null)
        {
            return names;
        }

        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<object>();
        queue.Enqueue(_pipeline);
        while (queue.Count > 0 && visited.Count < MaxObjects)
        {
            var current = queue.Dequeue();
            if (!visited.Add(current))
            {
                continue;
            }

            if (current is Delegate d)
            {
                foreach (var single in d.GetInvocationList())
                {
                    if (single.Target is { } target)
                    {
                        queue.Enqueue(target);
                    }
                }

                continue;
            }

            var type = current.GetType();
            names.Add(type.FullName ?? type.Name);
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsValueType || field.FieldType == typeof(string))
                    {
                        continue;
                    }

                    var value = field.GetValue(current);
                    if (value is object[] array)
                    {
                        // Compiled UseMiddleware factories keep the middleware instance in a closure's constants.
                        foreach (var item in array)
                        {
                            if (item is not null && ShouldFollow(item))
                            {
                                queue.Enqueue(item);
                            }
                        }
                    }
                    else if (value is not null && ShouldFollow(value))
                    {
                        queue.Enqueue(value);
                    }
                }
            }
        }

        return names;
    }

    private static bool ShouldFollow(object value)
    {
        if (value is Delegate)
        {
            return true;
        }

        // Middleware instances (and wrappers holding their implementation), and the closures between them.
        var type = value.GetType();
        return type.Name.Contains("Middleware", StringComparison.Ordinal)
            || type.Name.Contains("DisplayClass", StringComparison.Ordinal)
            || type.FullName == "System.Runtime.CompilerServices.Closure";
    }
}
