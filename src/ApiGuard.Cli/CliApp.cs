namespace ApiGuard.Cli;

/// <summary>The <c>apiguard</c> command line: a table of commands, each taking its own arguments.</summary>
public static class CliApp
{
    /// <summary>Exit code for success (whatever a scan finds).</summary>
    public const int Ok = 0;

    /// <summary>Exit code for bad usage.</summary>
    public const int Usage = 1;

    /// <summary>Exit code for unreadable input.</summary>
    public const int BadInput = 2;

    private static readonly Dictionary<string, (string Summary, Func<string[], TextReader, TextWriter, TextWriter, Task<int>> Run)> s_commands =
        new(StringComparer.Ordinal)
        {
            // Each capability adds its command here.
            ["scan"] = (ScanCommand.Summary, ScanCommand.RunAsync),
            ["sign"] = (SignCommand.Summary, SignCommand.RunAsync),
            ["otp"] = (OtpCommand.Summary, OtpCommand.RunAsync),
        };

    /// <summary>Registers a command (used by the command classes' static setup).</summary>
    internal static IReadOnlyDictionary<string, (string Summary, Func<string[], TextReader, TextWriter, TextWriter, Task<int>> Run)> Commands => s_commands;

    /// <summary>Runs the command line with the given streams; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await PrintHelpAsync(stdout).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Ok;
        }

        if (args[0] is "--version" or "version")
        {
            await stdout.WriteLineAsync(typeof(CliApp).Assembly.GetName().Version?.ToString() ?? "0.0.0").ConfigureAwait(false);
            return Ok;
        }

        if (!s_commands.TryGetValue(args[0], out var command))
        {
            await stderr.WriteLineAsync($"apiguard: unknown command '{args[0]}'. Run 'apiguard --help' for the list.").ConfigureAwait(false);
            return Usage;
        }

        return await command.Run(args[1..], stdin, stdout, stderr).ConfigureAwait(false);
    }

    private static async Task PrintHelpAsync(TextWriter stdout)
    {
        await stdout.WriteLineAsync("usage: apiguard <command> [options]").ConfigureAwait(false);
        await stdout.WriteLineAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync("commands:").ConfigureAwait(false);
        foreach (var (name, command) in s_commands.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync($"  {name,-10} {command.Summary}").ConfigureAwait(false);
        }
    }
}
