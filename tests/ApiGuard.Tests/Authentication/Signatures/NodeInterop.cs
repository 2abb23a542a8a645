using System.Diagnostics;
using System.Text.Json;
using ApiGuard.Tests.Client.Signatures;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>
/// Drives the independent RFC 9421 implementation, the npm package http-message-signatures (tests/interop/signatures):
/// installs it with <c>npm ci</c> when <c>node_modules</c> is missing, and runs its scripts.
/// </summary>
internal static class NodeInterop
{
    private static readonly SemaphoreSlim s_npm = new(1, 1);

    public static string Directory => Path.Combine(TestPaths.RepositoryRoot, "tests", "interop", "signatures");

    /// <summary>The private key file of an RFC 9421 test key, as the Node scripts read it.</summary>
    public static string PrivateKeyFile(string keyId) =>
        TestPaths.Vector("rfc9421", "keys", keyId == "test-shared-secret" ? "test-shared-secret.b64" : keyId + ".priv.pem");

    /// <summary>Signs one request with http-message-signatures and sends it (sign-and-send.js); returns its JSON answer.</summary>
    public static async Task<JsonElement> SignAndSendAsync(string url, string keyId, string? body = null)
    {
        string[] args = body is null
            ? [url, TestKeys.AlgorithmOf(keyId), keyId, PrivateKeyFile(keyId)]
            : [url, TestKeys.AlgorithmOf(keyId), keyId, PrivateKeyFile(keyId), body];
        return await RunAsync("sign-and-send.js", args);
    }

    public static async Task<JsonElement> RunAsync(string script, params string[] args)
    {
        await EnsureInstalledAsync();
        using var process = Start(script, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, await stderr);
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    public static Process Start(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("node did not start.");
    }

    public static async Task EnsureInstalledAsync()
    {
        await s_npm.WaitAsync();
        try
        {
            if (System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "http-message-signatures")))
            {
                return;
            }

            var psi = new ProcessStartInfo("npm") { WorkingDirectory = Directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                psi.ArgumentList.Add(arg);
            }

            using var npm = Process.Start(psi)!;
            var error = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(npm.ExitCode == 0, "npm ci failed: " + await error);
        }
        finally
        {
            s_npm.Release();
        }
    }
}
