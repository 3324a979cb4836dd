using System.Collections.Concurrent;
using System.Diagnostics;

namespace AotBot.Tests.Smoke;

/// <summary>The published binary running as a bot process: its output lines, and SIGTERM to stop it.</summary>
public sealed class RunningBinary : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errorLines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private RunningBinary(Process process) => _process = process;

    public IReadOnlyCollection<string> Lines => _lines;
    public string Output => string.Join('\n', _lines);

    /// <summary>The lines that came on stderr alone (they are in <see cref="Lines"/> too).</summary>
    public IReadOnlyCollection<string> ErrorLines => _errorLines;

    /// <summary>The process id (the bot itself when the prefix commands exec into it).</summary>
    public int Id => _process.Id;

    public static RunningBinary Start(IEnumerable<string> args, IDictionary<string, string?> environment, string? fileName = null,
        IEnumerable<string>? prefixArgs = null)
    {
        var start = new ProcessStartInfo(fileName ?? PublishedBinary.Path_)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in prefixArgs ?? []) start.ArgumentList.Add(arg);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AOTBOT_") || k == "BOT_TOKEN").ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var running = new RunningBinary(new Process { StartInfo = start });
        running._process.OutputDataReceived += (_, e) => running.Add(e.Data);
        running._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) running._errorLines.Enqueue(e.Data);
            running.Add(e.Data);
        };
        running._process.Start();
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        _newLine.Release();
    }

    /// <summary>Waits until a line matching <paramref name="match"/> appears, or fails with the output so far.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line) return line;
            if (_process.HasExited && _lines.FirstOrDefault(match) is null)
                throw new InvalidOperationException($"The bot exited ({_process.ExitCode}) first. Output:\n{Output}");
            try
            {
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching line in time. Output:\n{Output}");
            }
        }
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process with SIGKILL (no chance to clean up, as in a crash or an OOM kill) and waits for it to go.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
