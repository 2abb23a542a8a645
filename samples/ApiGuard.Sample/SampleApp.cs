using ApiGuard.Redis;
using ApiGuard.Sample.Demos;

namespace ApiGuard.Sample;

/// <summary>
/// The ApiGuard sample API: every capability on in-memory defaults; <c>ApiGuard:Redis:Enabled=true</c> switches the stores to Redis.
/// Each capability adds its services in <see cref="AddCapabilities"/> and its demo endpoints in <see cref="MapDemos"/>.
/// </summary>
public static class SampleApp
{
    /// <summary>The default address of the sample.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Builds the sample app (tests call this with their own arguments). The content root is the app's own folder, where the
    /// build copies <c>appsettings.json</c> and <c>keys/</c>, so the sample finds its configuration whatever the shell's
    /// current directory; <c>--contentRoot</c> (or <c>ASPNETCORE_CONTENTROOT</c>/<c>DOTNET_CONTENTROOT</c>) still overrides it.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = HasContentRootOverride(args) ? null : AppContext.BaseDirectory,
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var guard = builder.Services.AddApiGuard(builder.Configuration.GetSection("ApiGuard"));
        if (builder.Configuration.GetValue<bool>("ApiGuard:Redis:Enabled"))
        {
            guard.UseRedis();
        }

        AddCapabilities(builder, guard);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiGuard();
        app.UseAuthorization();

        app.MapGet("/health", () => Results.Ok(new { status = "healthy" })).DisableApiGuard();
        MapDemos(app);
        return app;
    }

    private static bool HasContentRootOverride(string[] args)
    {
        var settings = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build();
        return !string.IsNullOrEmpty(settings[WebHostDefaults.ContentRootKey]);
    }

    private static void AddCapabilities(WebApplicationBuilder builder, IApiGuardBuilder guard)
    {
        var authentication = builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        Demos.PostureDemo.AddPostureDemo(builder.Services, guard);
        Demos.LoginDemo.AddLoginDemo(guard);
        guard.AddPayloadInspection();
        guard.AddRateLimiting();
        _ = guard;
        guard.AddOtpDemo();
        guard.AddChallengeResponseDemo(authentication);
        guard.AddSignatureAuthentication();
        builder.AddSignatureDemoLimits();
        guard.AddBotsDemo(authentication);
    }

    private static void MapDemos(WebApplication app)
    {
        Demos.PostureDemo.MapPostureDemos(app);
        Demos.LoginDemo.MapLoginDemo(app);
        app.MapInspectionDemo();
        app.MapRateLimitingDemo();
        _ = app;
        app.MapOtpDemo();
        app.MapChallengeResponseDemo();
        app.MapSignatureDemos();
        app.MapBotsDemo();
    }
}
