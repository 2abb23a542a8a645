using Microsoft.AspNetCore.Http;

namespace ApiGuard.Posture.Inventory;

/// <summary>Counts each request against its endpoint (or its path shape when none matched) after the rest of the pipeline ran.</summary>
internal sealed class RouteInventoryMiddleware(RequestDelegate next, RouteInventory inventory)
{
    public Task Invoke(HttpContext context)
    {
        var task = next(context);
        if (task.IsCompletedSuccessfully)
        {
            inventory.Observe(context);
            return Task.CompletedTask;
        }

        return Awaited(task, context);
    }

    private async Task Awaited(Task task, HttpContext context)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            inventory.Observe(context);
        }
    }
}
