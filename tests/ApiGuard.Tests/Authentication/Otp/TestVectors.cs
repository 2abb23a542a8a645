using System.Text.Json;
using ApiGuard.Tests.Infrastructure;

namespace ApiGuard.Tests.Authentication.Otp;

/// <summary>
/// Finds the shared test vectors: <c>../shared/vectors</c> beside the repository root (the folder holding ApiGuard.sln).
/// A git worktree sits deeper than the main checkout, so further ancestors are tried too.
/// </summary>
internal static class TestVectors
{
    public static string VectorsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(RepoPaths.Root).Parent; dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "vectors");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException($"No shared/vectors folder above {RepoPaths.Root}.");
        }
    }

    public static JsonDocument Load(string relativePath) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorsDirectory, relativePath)));
}
