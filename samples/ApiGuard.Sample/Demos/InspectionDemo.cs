using System.Collections.Concurrent;
using ApiGuard.Inspection;

namespace ApiGuard.Sample;

/// <summary>
/// Payload inspection demo: a small product catalogue.
/// <list type="bullet">
/// <item><c>GET /api/products?q=...</c> searches; <c>q=1' OR '1'='1</c> is blocked with 403 problem+json (in DetectOnly: allowed, would-block event).</item>
/// <item><c>POST /api/products</c> creates a product from JSON; <c>$.description</c> is free marketing prose and excluded from inspection,
/// every other field (<c>$.name</c>, <c>$.tags[*]</c>, …) is inspected.</item>
/// <item><c>POST /api/inspection/explain</c> runs in DetectOnly and answers with the inspector's verdict on whatever was sent
/// (score, rule, category, location, decoding layers, masked excerpt).</item>
/// </list>
/// </summary>
public static class InspectionDemo
{
    private static readonly ConcurrentDictionary<int, Product> s_products = new(new Dictionary<int, Product>
    {
        [1] = new(1, "Laptop", "A light 14\" laptop.", 999.00m, ["computers"]),
        [2] = new(2, "O'Brien's Irish tea", "Strong breakfast tea; select & drop into hot water.", 6.50m, ["food"]),
        [3] = new(3, "USB-C cable", "1 m, 100 W.", 12.00m, ["accessories"]),
    });

    private static int s_nextId = 3;

    /// <summary>Maps the demo endpoints.</summary>
    public static IEndpointRouteBuilder MapInspectionDemo(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/products", (string? q) =>
        {
            var all = s_products.Values.OrderBy(p => p.Id);
            return Results.Ok(string.IsNullOrEmpty(q) ? all.ToArray() : all.Where(p => p.Name.Contains(q, StringComparison.OrdinalIgnoreCase)).ToArray());
        });

        app.MapPost("/api/products", (ProductInput input) =>
        {
            if (string.IsNullOrWhiteSpace(input.Name))
            {
                return Results.Problem(title: "A product needs a name.", statusCode: StatusCodes.Status400BadRequest);
            }

            var id = Interlocked.Increment(ref s_nextId);
            var product = new Product(id, input.Name, input.Description ?? string.Empty, input.Price, input.Tags ?? []);
            s_products[id] = product;
            return Results.Created($"/api/products/{id}", product);
        }).WithInspectionExclusion("json:$.description");

        app.MapPost("/api/inspection/explain", (HttpContext context) =>
        {
            var verdict = context.GetInspectionResult();
            return Results.Ok(new
            {
                score = verdict?.Score ?? 0,
                threshold = verdict?.Threshold ?? 0,
                wouldBlock = verdict?.Outcome == InspectionOutcome.WouldBlock,
                body = verdict?.BodyStatus.ToString(),
                findings = verdict?.Findings.Select(f => new
                {
                    rule = f.RuleId,
                    category = f.Category.ToString(),
                    score = f.Score,
                    location = f.Location,
                    part = f.Part.ToString(),
                    layers = f.Layers.ToString(),
                    excerpt = f.Excerpt,
                }) ?? [],
            });
        }).WithApiGuardMode(ApiGuardMode.DetectOnly, ApiGuardCapabilities.Inspection);

        return app;
    }

    /// <summary>A product.</summary>
    public sealed record Product(int Id, string Name, string Description, decimal Price, string[] Tags);

    /// <summary>The body of <c>POST /api/products</c>.</summary>
    public sealed record ProductInput(string? Name, string? Description, decimal Price, string[]? Tags);
}
