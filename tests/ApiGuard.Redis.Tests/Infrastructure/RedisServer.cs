using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ApiGuard.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a free loopback port (<c>--bind 127.0.0.1 --save "" --appendonly no</c>),
/// stopped on dispose. Can be killed and restarted on the same port for fault tests.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(string executable, int port, string[] extraArgs)
    {
        Executable = executable;
        Port = port;
        ExtraArgs = extraArgs;
    }

    /// <summary>The redis-server executable.</summary>
    public string Executable { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>Extra command-line arguments (for example cluster mode).</summary>
    public string[] ExtraArgs { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    /// <summary>The path of redis-server, or null when it is not installed.</summary>
    public static string? FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/bin").Append("/usr/local/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Why Redis tests cannot run here, or null when they can.</summary>
    public static string? UnavailableReason =>
        FindExecutable() is null && Environment.GetEnvironmentVariable("APIGUARD_REQUIRE_REDIS") != "1"
            ? "redis-server is not installed (apt-get install -y redis-server); set APIGUARD_REQUIRE_REDIS=1 to make this a failure"
            : null;

    /// <summary>Starts a server on a free port and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArgs)
    {
        var exe = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server was not found on PATH and APIGUARD_REQUIRE_REDIS=1 requires it. Install it with 'apt-get install -y redis-server'.");
        var server = new RedisServer(exe, GetFreePort(), extraArgs);
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Kills the server (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port.</summary>
    public Task RestartAsync()
    {
        Kill();
        return StartProcessAsync();
    }

    private async Task StartProcessAsync()
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" }.Concat(ExtraArgs))
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        for (var i = 0; i < 200; i++)
        {
            if (await PingAsync().ConfigureAwait(false))
            {
                return;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            await Task.Delay(25).ConfigureAwait(false);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING within 5 s.");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray()).ConfigureAwait(false);
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer).ConfigureAwait(false);
            return n >= 5 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}

/// <summary>An xunit fixture holding one <see cref="RedisServer"/> for a test class.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The server.</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException(RedisServer.UnavailableReason ?? "The Redis fixture did not start.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (RedisServer.UnavailableReason is null)
        {
            _server = await RedisServer.StartAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A fact that needs a real redis-server. Where redis-server is not installed it is reported as skipped with the reason,
/// unless <c>APIGUARD_REQUIRE_REDIS=1</c> (set by <c>.ci/run</c>), in which case it runs and fails.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public RedisFactAttribute()
    {
        var reason = RedisServer.UnavailableReason;
        if (reason is not null)
        {
            Skip = reason;
        }
    }
}
