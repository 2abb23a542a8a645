using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ApiGuard.Sample;
using ApiGuard.SampleClient;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace ApiGuard.Tests.Sample;

public sealed class SampleAppTests
{
    [Fact]
    public async Task Health_InMemoryDefaults_Returns200()
    {
        await using var app = SampleApp.Build([], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("healthy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FromAnotherWorkingDirectory_LoadsTheSampleConfiguration()
    {
        // As `dotnet run` or `dotnet ApiGuard.Sample.dll` start it: no content root given, the shell's directory elsewhere.
        // The signing key 'test-key-ed25519' exists only in the sample's appsettings.json (and its PEM only in keys/).
        var elsewhere = Directory.CreateTempSubdirectory("apiguard-sample-cwd-");
        using var sample = StartSampleProcess(elsewhere.FullName);
        try
        {
            var url = await WaitForListeningUrlAsync(sample);
            var stdout = new StringWriter();

            var exit = await SampleClientApp.RunAsync([url, "test-key-ed25519", "hi"], stdout, TextWriter.Null);

            Assert.True(exit == 0, stdout.ToString());
            var echo = JsonDocument.Parse(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
            Assert.Equal("demo-mobile", echo.GetProperty("clientId").GetString());
        }
        finally
        {
            sample.Kill(entireProcessTree: true);
            await sample.WaitForExitAsync();
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Build_ContentRootArgument_OverridesTheAppFolder()
    {
        var root = Directory.CreateTempSubdirectory("apiguard-sample-root-");
        try
        {
            await using var app = SampleApp.Build(["--contentRoot", root.FullName], b => b.WebHost.UseTestServer());
            await using var defaults = SampleApp.Build([], b => b.WebHost.UseTestServer());

            Assert.Equal(Path.TrimEndingDirectorySeparator(root.FullName), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
            Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(defaults.Environment.ContentRootPath));
            Assert.Null(app.Configuration["ApiGuard:Signatures:Keys:0:KeyId"]);
            Assert.Equal("test-shared-secret", defaults.Configuration["ApiGuard:Signatures:Keys:0:KeyId"]);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static Process StartSampleProcess(string workingDirectory)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ApiGuard.Sample.dll"));
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in new[] { "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT", "ASPNETCORE_URLS", "DOTNET_URLS" })
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        return Process.Start(psi) ?? throw new InvalidOperationException("The sample did not start.");
    }

    private static async Task<string> WaitForListeningUrlAsync(Process sample)
    {
        const string marker = "Now listening on: ";
        _ = sample.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await sample.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                // Keep draining the output so the sample never blocks on a full pipe.
                _ = sample.StandardOutput.ReadToEndAsync();
                return line[(at + marker.Length)..].Trim();
            }
        }

        throw new InvalidOperationException("The sample exited before listening.");
    }
}
