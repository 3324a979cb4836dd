using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AotBot.Testing.Fuzz;

/// <summary>How a fuzz run goes: the binary whose <c>convert</c> verb decodes, how many inputs, and the limits.</summary>
public sealed record FuzzOptions
{
    /// <summary>The <c>aotbot</c> to run: the published Native AOT binary, or the JIT apphost beside the tests.</summary>
    public required string Binary { get; init; }

    public int Iterations { get; init; } = 1000;

    /// <summary>Inputs per child process: a crash costs the rest of the batch a rerun, a start-up costs ~0.3 s.</summary>
    public int BatchSize { get; init; } = 250;

    /// <summary>
    /// An input that costs the child more CPU time than this is a hang. CPU time, not wall time: on a loaded machine (CI runs
    /// the native build and other suites beside this one) a 0.2 s decode can wait seconds for a core without being slow.
    /// </summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A child that answers nothing for this many times <see cref="HangLimit"/> of wall time is a hang too, burning CPU or not
    /// (a decoder blocked on a lock uses none).
    /// </summary>
    public int WallFactor { get; init; } = 6;

    /// <summary>The child's start-up, allowed on top of <see cref="HangLimit"/> before its first input.</summary>
    public TimeSpan StartupAllowance { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Imaging:MaxPixels of the child: what it may decode, so what its memory may reach (5 MP lets the 4.6 MP seed decode).</summary>
    public int MaxPixels { get; init; } = 5_000_000;

    /// <summary>Stop generating inputs after this long (the runs in progress finish).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Where every crasher and hang is written (the input, and a .txt saying how it was made); none when null.</summary>
    public string? FindingsDirectory { get; init; }

    public Action<string>? Progress { get; init; }
}

/// <summary>A crash (the child died) or a hang (an input took over the limit), with the input that did it.</summary>
public sealed record FuzzFinding(string Kind, FuzzInput Input, string Detail, string? SavedAs);

public sealed record FuzzReport(
    int Iterations, int Converted, int Failed, IReadOnlyList<FuzzFinding> Findings, long PeakRssKb, TimeSpan SlowestInput,
    TimeSpan Elapsed, int ChildRuns, IReadOnlyDictionary<string, int> FailureKinds, IReadOnlyDictionary<string, string> FailureExamples,
    IReadOnlyDictionary<string, string?> Outcomes)
{
    public string Summary() =>
        $"{Iterations} inputs in {Elapsed.TotalSeconds:0.0} s ({ChildRuns} child runs): {Converted} converted, {Failed} refused, " +
        $"{Findings.Count(f => f.Kind == "crash")} crashes, {Findings.Count(f => f.Kind == "hang")} hangs; " +
        $"slowest input {SlowestInput.TotalMilliseconds:0} ms of CPU; peak child RSS {PeakRssKb / 1024.0:0.0} MB";
}

/// <summary>
/// Runs mutated inputs through <c>aotbot convert</c> in child processes, so that a native crash in libheif, libde265 or
/// dav1d kills a child and not the runner. A child that dies or stalls is replaced; the inputs it had not answered are
/// run again one by one to find the one responsible, which is kept. The child's peak RSS (VmHWM) is sampled throughout.
/// </summary>
public static partial class ConvertFuzzer
{
    private const string Extension = ".heic";

    /// <summary>Runs <see cref="FuzzOptions.Iterations"/> inputs of <paramref name="mutator"/>.</summary>
    public static Task<FuzzReport> RunAsync(HeifMutator mutator, FuzzOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(mutator.Next, options, cancellationToken);

    /// <summary>Runs saved inputs as they are (the crashers kept as regression files).</summary>
    public static Task<FuzzReport> ReplayAsync(IReadOnlyList<(string Name, byte[] Bytes)> files, FuzzOptions options,
        CancellationToken cancellationToken = default) =>
        RunAsync(i => new FuzzInput(i, files[i].Name, files[i].Bytes, ["as saved"]), options with { Iterations = files.Count }, cancellationToken,
            keepOutcomes: true);

    private static async Task<FuzzReport> RunAsync(Func<int, FuzzInput> inputs, FuzzOptions options, CancellationToken cancellationToken,
        bool keepOutcomes = false)
    {
        var state = new RunState(options) { KeepOutcomes = keepOutcomes };
        var watch = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("aotbot-fuzz-");
        try
        {
            var iteration = 0;
            while (iteration < options.Iterations && !(options.TimeBudget is { } budget && watch.Elapsed > budget))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(options.BatchSize, options.Iterations - iteration);
                var batch = Enumerable.Range(iteration, count).Select(inputs).ToList();
                iteration += count;
                await RunBatchAsync(batch, state, work.FullName, cancellationToken).ConfigureAwait(false);
                options.Progress?.Invoke($"{iteration} inputs, {state.Findings.Count} findings, {watch.Elapsed.TotalSeconds:0} s");
            }
            return new FuzzReport(state.Converted + state.Failed, state.Converted, state.Failed, [.. state.Findings], state.PeakRssKb,
                state.Slowest, watch.Elapsed, state.ChildRuns,
                state.FailureKinds.OrderByDescending(k => k.Value).ToDictionary(k => k.Key, k => k.Value),
                new Dictionary<string, string>(state.FailureExamples), new Dictionary<string, string?>(state.Outcomes));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private sealed class RunState(FuzzOptions options)
    {
        public FuzzOptions Options { get; } = options;
        public List<FuzzFinding> Findings { get; } = [];
        public ConcurrentDictionary<string, int> FailureKinds { get; } = new();
        public ConcurrentDictionary<string, string> FailureExamples { get; } = new();
        public bool KeepOutcomes { get; init; }
        /// <summary>Each input's refusal (null: converted), by seed name; kept for replays only.</summary>
        public Dictionary<string, string?> Outcomes { get; } = [];
        public int Converted;
        public int Failed;
        public int ChildRuns;
        public long PeakRssKb;
        public TimeSpan Slowest;
    }

    private static async Task RunBatchAsync(List<FuzzInput> batch, RunState state, string work, CancellationToken cancellationToken)
    {
        var remaining = batch;
        while (remaining.Count > 0)
        {
            var run = await RunChildAsync(remaining, state, work, cancellationToken).ConfigureAwait(false);
            Record(run, state);
            var unanswered = remaining.Where(input => !run.Answers.ContainsKey(input.Iteration)).ToList();
            if (run.Completed || unanswered.Count == 0) return;

            // The child died or stalled: the input it was on is among the first unanswered (two are in flight at once).
            var suspects = unanswered.Take(2).ToList();
            var blamed = false;
            foreach (var suspect in suspects)
            {
                var alone = await RunChildAsync([suspect], state, work, cancellationToken).ConfigureAwait(false);
                Record(alone, state);
                if (alone.Completed) continue;
                blamed = true;
                AddFinding(state, alone.Hung ? "hang" : "crash", suspect, alone.Detail);
            }
            if (!blamed)
            {
                // Not reproduced alone: keep both, the batch's history may matter (heap state, threads).
                foreach (var suspect in suspects) AddFinding(state, run.Hung ? "hang" : "crash", suspect, "in a batch only: " + run.Detail);
            }
            remaining = unanswered.Skip(suspects.Count).ToList();
        }
    }

    private static void Record(ChildRun run, RunState state)
    {
        state.ChildRuns++;
        state.PeakRssKb = Math.Max(state.PeakRssKb, run.PeakRssKb);
        foreach (var (_, answer) in run.Answers)
        {
            if (state.KeepOutcomes) state.Outcomes[answer.Input.Seed] = answer.Failure;
            if (answer.Took > state.Slowest) state.Slowest = answer.Took;
            if (answer.Failure is null)
            {
                state.Converted++;
            }
            else
            {
                state.Failed++;
                state.FailureKinds.AddOrUpdate(Kind(answer.Failure), 1, (_, n) => n + 1);
                state.FailureExamples.TryAdd(Kind(answer.Failure), $"{answer.Input.Describe()}: {answer.Failure}");
            }
        }
        foreach (var slow in run.Answers.Values.Where(a => a.Took > state.Options.HangLimit))
            AddFinding(state, "hang", slow.Input, $"took {slow.Took.TotalMilliseconds:0} ms");
    }

    private static void AddFinding(RunState state, string kind, FuzzInput input, string detail)
    {
        string? saved = null;
        if (state.Options.FindingsDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            var name = $"{kind}-{Path.GetFileNameWithoutExtension(input.Seed)}-{input.Iteration:D7}";
            saved = Path.Combine(directory, name + Extension);
            File.WriteAllBytes(saved, input.Bytes);
            File.WriteAllText(Path.Combine(directory, name + ".txt"), $"{input.Describe()}\n{kind}: {detail}\n");
        }
        state.Findings.Add(new FuzzFinding(kind, input, detail, saved));
        state.Options.Progress?.Invoke($"{kind}: {input.Describe()}: {detail}");
    }

    // "libheif could not decode the image: Invalid input: Unspecified (libheif error 2.100)" → "libheif 2.100"
    [GeneratedRegex(@"libheif error (\d+\.\d+)")]
    private static partial Regex LibheifCode();

    private static string Kind(string failure) =>
        LibheifCode().Match(failure) is { Success: true } code ? "libheif " + code.Groups[1].Value
        : failure.Length > 60 ? failure[..60] : failure;

    private sealed record Answer(FuzzInput Input, string? Failure, TimeSpan Took);

    private sealed record ChildRun(Dictionary<int, Answer> Answers, bool Completed, bool Hung, string Detail, long PeakRssKb);

    /// <summary>One <c>aotbot convert</c> over <paramref name="inputs"/>, watched for death, stalls and memory.</summary>
    private static async Task<ChildRun> RunChildAsync(List<FuzzInput> inputs, RunState state, string work, CancellationToken cancellationToken)
    {
        var options = state.Options;
        var folder = Directory.CreateDirectory(Path.Combine(work, $"run-{state.ChildRuns}-{Guid.NewGuid():N}")).FullName;
        var paths = new Dictionary<string, FuzzInput>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var path = Path.Combine(folder, $"{input.Iteration:D7}{Extension}");
            await File.WriteAllBytesAsync(path, input.Bytes, cancellationToken).ConfigureAwait(false);
            paths[path] = input;
        }
        var start = new ProcessStartInfo(options.Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in (string[])["convert", "--Imaging:Workers=1", $"--Imaging:MaxPixels={options.MaxPixels}", "-o", Path.Combine(folder, "out")])
            start.ArgumentList.Add(arg);
        foreach (var path in paths.Keys) start.ArgumentList.Add(path);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AOTBOT_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);

        var answers = new Dictionary<int, Answer>();
        var gate = new Lock();
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var cpuAtProgress = TimeSpan.Zero;
        var pid = 0;
        var summary = false;
        var errors = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            lock (gate)
            {
                var now = clock.Elapsed;
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0 && paths.TryGetValue(line[..colon], out var input))
                {
                    var rest = line[(colon + 2)..];
                    var failure = rest.StartsWith("failed: ", StringComparison.Ordinal) ? rest["failed: ".Length..] : null;
                    var cpu = CpuTime(pid);
                    answers[input.Iteration] = new Answer(input, failure, cpu > cpuAtProgress ? cpu - cpuAtProgress : TimeSpan.Zero);
                    lastProgress = now;
                    cpuAtProgress = cpu > cpuAtProgress ? cpu : cpuAtProgress;
                }
                else if (line.Contains(" converted, ", StringComparison.Ordinal))
                {
                    summary = true;
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) errors.Enqueue(line);
        };
        process.Start();
        lock (gate) pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var hung = false;
        long peak = 0;
        var exited = process.WaitForExitAsync(cancellationToken);
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, PeakRssKb(process.Id));
            TimeSpan since, cpuSince;
            int answered;
            var cpuNow = CpuTime(process.Id);
            lock (gate) (since, cpuSince, answered) = (clock.Elapsed - lastProgress, cpuNow - cpuAtProgress, answers.Count);
            var allowed = options.HangLimit + (answered == 0 ? options.StartupAllowance : TimeSpan.Zero);
            if (cpuSince > allowed || since > allowed * options.WallFactor)
            {
                hung = true;
                process.Kill(entireProcessTree: true);
                break;
            }
            await Task.WhenAny(exited, Task.Delay(25, cancellationToken)).ConfigureAwait(false);
        }
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        // The last lines may still be on their way from the output reader.
        process.WaitForExit();
        Directory.Delete(folder, recursive: true);

        var code = process.ExitCode;
        bool completed;
        lock (gate) completed = !hung && summary && code is 0 or 1;
        var detail = hung
            ? $"no answer within {options.HangLimit.TotalSeconds:0} s of CPU time ({options.HangLimit.TotalSeconds * options.WallFactor:0} s of wall time)"
            : $"exit code {code}{Signal(code)}: {string.Join(" | ", errors.TakeLast(6))}";
        lock (gate) return new ChildRun(new Dictionary<int, Answer>(answers), completed, hung, detail, peak);
    }

    private static string Signal(int code) => code switch
    {
        134 => " (SIGABRT)",
        136 => " (SIGFPE)",
        137 => " (SIGKILL)",
        139 => " (SIGSEGV)",
        _ => "",
    };

    /// <summary>User plus system CPU time of a running process (all its threads), zero once it is gone.</summary>
    private static TimeSpan CpuTime(int pid)
    {
        if (pid == 0) return TimeSpan.Zero;
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ..." where utime and stime are fields 14 and 15, in clock ticks (USER_HZ,
            // 100 on every Linux the bot targets). comm may hold spaces, so count from the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>VmHWM (peak resident set) of a running process in kB, 0 once it is gone.</summary>
    private static long PeakRssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }
}
