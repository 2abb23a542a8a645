using ApiGuard.Inspection;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the payload inspector's verdict from a request.</summary>
public static class InspectionHttpContextExtensions
{
    /// <summary>The payload inspector's verdict on the request, or <see langword="null"/> when inspection did not run.</summary>
    public static IInspectionFeature? GetInspectionResult(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IInspectionFeature>();
    }
}
