using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGuard.Tests.Infrastructure;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

/// <summary>Runs <c>tests/interop/dpop/make-proofs.mjs</c> (npm <c>jose</c> 6.2.17) to make DPoP proofs; runs <c>npm ci</c> first when needed.</summary>
internal static class JoseProofMaker
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "interop", "dpop");

    public sealed record ProofSpec(string Htm, string Htu, string? Nonce = null, string? AccessToken = null, int IatOffset = 0, string? Jti = null);

    public sealed record Result(JsonObject PrivateJwk, string Thumbprint, IReadOnlyList<string> Proofs);

    public static async Task<Result> MakeAsync(string alg, JsonObject? privateJwk, params ProofSpec[] proofs)
    {
        await EnsureInstalledAsync();
        var input = new JsonObject
        {
            ["alg"] = alg,
            ["privateJwk"] = privateJwk?.DeepClone(),
            ["proofs"] = new JsonArray(proofs.Select(p => (JsonNode)new JsonObject
            {
                ["htm"] = p.Htm,
                ["htu"] = p.Htu,
                ["nonce"] = p.Nonce,
                ["accessToken"] = p.AccessToken,
                ["iatOffset"] = p.IatOffset,
                ["jti"] = p.Jti,
            }).ToArray()),
        };
        var (code, stdout, stderr) = await RunAsync("node", ["make-proofs.mjs"], input.ToJsonString());
        Assert.True(code == 0, "make-proofs.mjs failed: " + stderr);
        var output = JsonNode.Parse(stdout)!.AsObject();
        return new Result(
            output["privateJwk"]!.AsObject(),
            output["thumbprint"]!.GetValue<string>(),
            output["proofs"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray());
    }

    private static async Task EnsureInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(Folder, "node_modules", "jose")))
        {
            return;
        }

        await s_install.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(Folder, "node_modules", "jose")))
            {
                var (code, _, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], null);
                Assert.True(code == 0, "npm ci failed in tests/interop/dpop: " + stderr);
            }
        }
        finally
        {
            s_install.Release();
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException(file + " did not start.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
