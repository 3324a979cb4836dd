using System.Diagnostics;
using System.Globalization;

namespace AotBot.Bench.Load;

/// <summary>
/// The published bot as a child process: settings on the command line, its output in a log file, its memory and CPU
/// from /proc, SIGTERM to stop it.
/// </summary>
internal sealed class BotProcess : IAsyncDisposable
{
    // USER_HZ: /proc/<pid>/stat counts CPU time in these ticks; 100 on every Linux x64/arm64 kernel.
    private const double TicksPerSecond = 100;

    private readonly Process _process;
    private readonly StreamWriter _log;

    private BotProcess(Process process, StreamWriter log, long startedAt)
    {
        _process = process;
        _log = log;
        StartedAt = startedAt;
    }

    /// <summary>Stopwatch timestamp just before the process was started.</summary>
    public long StartedAt { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="binary"/> against <paramref name="api"/> with a fresh SQLite file in
    /// <paramref name="dataDir"/>, the TikTok fake's host overrides and <paramref name="extraArgs"/>.
    /// </summary>
    public static BotProcess Start(string binary, string dataDir, Uri api, IEnumerable<string> extraArgs,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(dataDir);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        start.ArgumentList.Add($"--Telegram:ApiBaseUrl={api.AbsoluteUri.TrimEnd('/')}");
        start.ArgumentList.Add($"--Storage:ConnectionString=Data Source={Path.Combine(dataDir, "bot.db")}");
        foreach (var arg in extraArgs) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AOTBOT_", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["BOT_TOKEN"] = LoadBotApi.Token;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var log = new StreamWriter(Path.Combine(dataDir, "bot.log"), append: true) { AutoFlush = false };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        var startedAt = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BotProcess(process, log, startedAt);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            // Lines may still arrive while the process is being disposed.
            if (log.BaseStream is { CanWrite: true }) log.WriteLine(line);
        }
    }

    /// <summary>Resident set now and its peak so far (VmRSS, VmHWM), in bytes.</summary>
    public (long Rss, long Peak) Memory() => (Status("VmRSS:"), Status("VmHWM:"));

    /// <summary>The resident set split: anonymous (heaps, stacks, runtime data) and file-backed (code and read-only data).</summary>
    public (long Anonymous, long FileBacked) ResidentParts() => (Status("RssAnon:"), Status("RssFile:"));

    /// <summary>A kB line of /proc/&lt;pid&gt;/status, in bytes.</summary>
    private long Status(string field) =>
        Kilobytes(File.ReadLines($"/proc/{Id}/status").First(line => line.StartsWith(field, StringComparison.Ordinal))) * 1024;

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Id}/stat");
        // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>SIGTERM, then the exit code (killed after <paramref name="timeout"/>).</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)])) await kill!.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
