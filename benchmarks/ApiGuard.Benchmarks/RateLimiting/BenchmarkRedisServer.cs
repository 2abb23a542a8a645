using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ApiGuard.Benchmarks.RateLimiting;

/// <summary>A local redis-server on a free loopback port (<c>--save "" --appendonly no</c>), started and stopped by the benchmark.</summary>
internal sealed class BenchmarkRedisServer : IDisposable
{
    private readonly Process _process;

    private BenchmarkRedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,allowAdmin=true";

    public static BenchmarkRedisServer Start()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var psi = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start (apt-get install -y redis-server).");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new BenchmarkRedisServer(process, port);
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }

        process.Kill();
        throw new TimeoutException("redis-server did not listen within 5 s.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
