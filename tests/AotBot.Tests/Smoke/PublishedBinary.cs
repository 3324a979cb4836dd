using System.Diagnostics;

namespace AotBot.Tests.Smoke;

/// <summary>
/// The Native AOT binary that <c>./build.sh</c> published (AOTBOT_PUBLISHED_DIR, set by <c>./build.sh test</c>).
/// Smoke tests run it as a process, so a trimming regression fails here and not in production.
/// </summary>
public static class PublishedBinary
{
    public static string? Directory => Environment.GetEnvironmentVariable("AOTBOT_PUBLISHED_DIR") is { Length: > 0 } dir
        && File.Exists(Path.Combine(dir, "aotbot")) ? dir : null;

    public static string Path_ => System.IO.Path.Combine(Directory ?? throw new InvalidOperationException("No published binary"), "aotbot");

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs the binary to completion with the given arguments and environment, within a time limit.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        string? fileName = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName ?? Path_)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? System.IO.Path.GetTempPath(),
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the developer's environment leaks into the run.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AOTBOT_") || k == "BOT_TOKEN").ToList())
            start.Environment.Remove(key);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not exit in time");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A fact that runs only where the published binary exists (always under <c>./build.sh test</c>).</summary>
public sealed class PublishedBinaryFactAttribute : FactAttribute
{
    public PublishedBinaryFactAttribute()
    {
        if (PublishedBinary.Directory is null)
            Skip = "No published binary: run through ./build.sh test (sets AOTBOT_PUBLISHED_DIR)";
    }
}
