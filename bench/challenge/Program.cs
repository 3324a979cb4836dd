// Time to solve TikTok's proof-of-work page ("Please wait…"): the smallest i in 0..1,000,000 with
// SHA-256(prefix ‖ ASCII i) = digest. Prints a table: the bot's solver in-process (JIT) for a typical answer and the
// worst case, and the published AOT binary's own log of a worst-case solve during `aotbot extract` against the fake.
//   ChallengeBench [aotbot binary]
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AotBot.Testing.FakeTikTok;

const int Runs = 7;
const int WorstCase = 1_000_000;

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

// Wall time and this thread's CPU time: the machine is shared, so the CPU time is the cost, the wall time what a user waits.
static (double Wall, double Cpu) SolveMilliseconds(int answer)
{
    var puzzle = ChallengePuzzle.WithAnswer(answer);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var started = Stopwatch.GetTimestamp();
    var solved = puzzle.Solve();
    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    var cpuElapsed = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    if (solved != answer) throw new InvalidOperationException($"solver answered {solved}, wanted {answer}");
    return (elapsed, cpuElapsed);
}

SolveMilliseconds(WorstCase); // warm-up: tiering, SHA-256 init
var rows = new List<(string Measure, string Value)>();
foreach (var answer in new[] { 73, 100_000, WorstCase })
{
    var runs = Enumerable.Range(0, Runs).Select(_ => SolveMilliseconds(answer)).ToList();
    var walls = runs.Select(run => run.Wall).ToList();
    rows.Add(($"solve, i = {answer:N0}, in-process (JIT), median of {Runs}",
        $"{Median(walls):F1} ms wall (min {walls.Min():F1}, max {walls.Max():F1}), {Median(runs.Select(run => run.Cpu).ToList()):F0} ms CPU"));
}

var binary = args.Length > 0 ? args[0] : null;
if (binary is not null && File.Exists(binary))
{
    await using var fake = await FakeTikTokServer.StartAsync();
    fake.Challenge = FakeChallengeMode.UntilSolved;
    fake.ChallengeAnswer = WorstCase;
    var post = fake.Add(new FakeTikTokPost("7350810998023999001"));
    var solvedLine = new Regex(@"answer 1000000 in (\d+) ms");
    var times = new List<double>();
    var walls = new List<double>();
    for (var run = 0; run < 5; run++)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["extract", "-v", post.Link.AbsoluteUri, .. fake.CommandLineArgs(withFallbackApi: false)])
            start.ArgumentList.Add(arg);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        walls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var match = solvedLine.Match(stderr + await stdout);
        if (process.ExitCode != 0 || !match.Success) throw new InvalidOperationException($"aotbot extract failed ({process.ExitCode}):\n{stderr}");
        times.Add(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }
    rows.Add(($"solve, i = {WorstCase:N0}, published AOT binary (its log line), median of 5", $"{Median(times):F0} ms (min {times.Min():F0}, max {times.Max():F0})"));
    rows.Add(("`aotbot extract` of a post behind that challenge, whole process, median of 5", $"{Median(walls):F0} ms"));
}
else
{
    rows.Add(("published AOT binary", "not measured: run ./build.sh first"));
}

var cpu = File.Exists("/proc/cpuinfo")
    ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
    : null;
Console.WriteLine($"TikTok proof-of-work solver, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {cpu ?? "unknown CPU"}, {Environment.ProcessorCount} cores, load {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}");
Console.WriteLine();
Console.WriteLine("| measure | value |");
Console.WriteLine("|---|---|");
foreach (var (measure, value) in rows) Console.WriteLine($"| {measure} | {value} |");
