// Fuzzes the format sniffer and the HEIF/AVIF decode path with mutations of the committed test images, decoding in
// `aotbot convert` child processes (a native crash kills a child, not this runner). Prints the report; every crasher and
// hang goes to the findings folder with a .txt saying how it was made. Exit code 1 when anything was found.
//   HeifFuzz <aotbot binary> <findings dir> <iterations> <seed folder>...
using System.Globalization;
using AotBot.Testing.Fuzz;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: HeifFuzz <aotbot binary> <findings dir> <iterations> <seed folder>...");
    return 2;
}
var seeds = args[3..]
    .SelectMany(folder => Directory.EnumerateFiles(folder))
    .Where(file => file.EndsWith(".heic", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".avif", StringComparison.OrdinalIgnoreCase))
    .Order(StringComparer.Ordinal)
    .Select(file => (Path.GetFileName(file), File.ReadAllBytes(file)))
    .ToList();
var iterations = int.Parse(args[2], CultureInfo.InvariantCulture);
var runSeed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : 1;
Console.WriteLine($"{seeds.Count} seeds, {iterations} iterations, run seed {runSeed}, child {args[0]}");

var sniffed = SnifferFuzz.Run(new HeifMutator(seeds, runSeed), iterations * 10);
Console.WriteLine($"sniffer: {sniffed}");
foreach (var violation in sniffed.Violations) Console.WriteLine($"  sniffer violation: {violation}");

var report = await ConvertFuzzer.RunAsync(new HeifMutator(seeds, runSeed), new FuzzOptions
{
    Binary = args[0],
    Iterations = iterations,
    FindingsDirectory = args[1],
    Progress = line => Console.Error.WriteLine(line),
});
Console.WriteLine(report.Summary());
Console.WriteLine("refusals by kind:");
foreach (var (kind, count) in report.FailureKinds.Take(15))
    Console.WriteLine($"  {count,7}  {kind}" + (Environment.GetEnvironmentVariable("FUZZ_VERBOSE") is null ? "" : $"\n           e.g. {report.FailureExamples[kind]}"));
foreach (var finding in report.Findings) Console.WriteLine($"{finding.Kind}: {finding.Input.Describe()}: {finding.Detail} -> {finding.SavedAs}");
return report.Findings.Count == 0 ? 0 : 1;
