using System.Diagnostics;
using System.Globalization;

namespace ApiGuard.Redis.Tests.Infrastructure;

/// <summary>
/// A three-master Redis Cluster of local redis-server processes (<c>--cluster-enabled yes</c>), created with
/// <c>redis-cli --cluster create … --cluster-yes</c>, stopped and cleaned up on dispose.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly string _directory;

    private RedisCluster(RedisServer[] nodes, string directory)
    {
        Nodes = nodes;
        _directory = directory;
    }

    /// <summary>The master nodes.</summary>
    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>A StackExchange.Redis configuration string listing every node.</summary>
    public string ConnectionString =>
        string.Join(',', Nodes.Select(n => $"127.0.0.1:{n.Port}")) + ",abortConnect=false,connectTimeout=2000";

    /// <summary>The path of redis-cli, or null when it is not installed.</summary>
    public static string? FindCli()
    {
        var server = RedisServer.FindExecutable();
        var candidate = server is null ? null : Path.Combine(Path.GetDirectoryName(server)!, "redis-cli");
        return candidate is not null && File.Exists(candidate) ? candidate : null;
    }

    /// <summary>Starts three cluster-enabled servers, joins them into one cluster with all 16384 slots, and waits for <c>cluster_state:ok</c>.</summary>
    public static async Task<RedisCluster> StartAsync()
    {
        var cli = FindCli() ?? throw new InvalidOperationException("redis-cli was not found next to redis-server; install redis-tools.");
        var directory = Path.Combine(Path.GetTempPath(), "apiguard-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var nodes = new RedisServer[3];
        try
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                var config = Path.Combine(directory, $"nodes-{i}-{Guid.NewGuid():N}.conf");
                nodes[i] = await RedisServer.StartAsync("--cluster-enabled", "yes", "--cluster-config-file", config, "--dir", directory).ConfigureAwait(false);
            }

            var args = new List<string> { "--cluster", "create" };
            args.AddRange(nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)));
            args.Add("--cluster-replicas");
            args.Add("0");
            args.Add("--cluster-yes");
            var (code, output) = await RunAsync(cli, args).ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed ({code}): {output}");
            }

            foreach (var node in nodes)
            {
                await WaitForClusterOkAsync(cli, node.Port).ConfigureAwait(false);
            }

            return new RedisCluster(nodes, directory);
        }
        catch
        {
            foreach (var node in nodes.Where(n => n is not null))
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task WaitForClusterOkAsync(string cli, int port)
    {
        // A deadline rather than a count: under load each redis-cli start takes longer than the pause between them.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var (_, output) = await RunAsync(cli, ["-p", port.ToString(CultureInfo.InvariantCulture), "cluster", "info"]).ConfigureAwait(false);
            if (output.Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"Redis Cluster node {port} did not reach cluster_state:ok within 30 s.");
    }

    /// <summary>Runs redis-cli and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string cli, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-cli did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
