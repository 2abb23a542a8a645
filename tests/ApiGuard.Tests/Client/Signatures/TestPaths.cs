namespace ApiGuard.Tests.Client.Signatures;

/// <summary>Finds the repository root (the folder with ApiGuard.sln) and the shared test vectors (../shared).</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Vectors { get; } = FindVectors();

    public static string Vector(params string[] parts) => Path.Combine([Vectors, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGuard.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ApiGuard.sln was not found above " + AppContext.BaseDirectory);
    }

    private static string FindVectors()
    {
        // ../shared next to the repository; worktrees may sit one level deeper, so keep walking up.
        var dir = new DirectoryInfo(RepositoryRoot).Parent;
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("The shared test vectors (../shared/vectors) were not found above " + RepositoryRoot);
    }
}
