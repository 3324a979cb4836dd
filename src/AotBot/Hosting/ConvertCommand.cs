using AotBot.Imaging;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Hosting;

/// <summary>
/// <c>aotbot convert &lt;files...&gt; [-o DIR] [--quality N] [--Section:Key=value ...]</c>: the bot's conversion
/// pipeline as a command, for operators and benchmarks. One line per file, then a summary.
/// </summary>
internal static class ConvertCommand
{
    public const string Usage = "aotbot convert <files...> [-o DIR] [--quality N]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        var settings = new List<string>();
        string? outputDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-o" or "--output" when i + 1 < args.Length:
                    outputDirectory = args[++i];
                    break;
                case "-q" or "--quality" when i + 1 < args.Length:
                    settings.Add($"--Imaging:JpegQuality={args[++i]}");
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':'):
                    settings.Add(setting);
                    break;
                case var option when option.StartsWith('-'):
                    stderr.WriteLine($"Unknown option '{option}'. Usage: {Usage}");
                    return Cli.ExitBadConfiguration;
                default:
                    files.Add(args[i]);
                    break;
            }
        }
        if (files.Count == 0)
        {
            stderr.WriteLine($"No files given. Usage: {Usage}");
            return Cli.ExitBadConfiguration;
        }
        if (outputDirectory is not null)
            Directory.CreateDirectory(outputDirectory);
        string Target(string file) => Path.Combine(outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(file))!,
            Path.GetFileNameWithoutExtension(file) + ".jpg");
        if (files.GroupBy(f => Path.GetFullPath(Target(f))).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            stderr.WriteLine($"{string.Join(" and ", clash)} would both be written to {clash.Key}.");
            return Cli.ExitBadConfiguration;
        }

        using var host = AotBotHost.CreateBuilder([.. settings], Stream.Null).Build();
        var workers = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImagingOptions>>().Value.EffectiveWorkers;
        var converter = host.Services.GetRequiredService<IImageConverter>();

        var started = TimeProvider.System.GetTimestamp();
        long bytesIn = 0, bytesOut = 0;
        var failed = 0;
        var output = new object();
        // Two files in flight per worker keep every worker busy while the next input is read.
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = workers * 2 }, async (file, ct) =>
        {
            var fileStarted = TimeProvider.System.GetTimestamp();
            string line;
            try
            {
                var input = await File.ReadAllBytesAsync(file, ct);
                var converted = await converter.ConvertAsync(input, ct);
                var target = Target(file);
                await File.WriteAllBytesAsync(target, converted.Jpeg, ct);
                Interlocked.Add(ref bytesIn, input.Length);
                Interlocked.Add(ref bytesOut, converted.Jpeg.Length);
                var milliseconds = (long)TimeProvider.System.GetElapsedTime(fileStarted).TotalMilliseconds;
                line = $"{file}: {input.Length} -> {converted.Jpeg.Length} bytes, {converted.Width}x{converted.Height}, {milliseconds} ms"
                       + (converted.SendAsDocument ? ", as document" : "") + $" -> {target}";
            }
            catch (Exception ex) when (ex is ImageConversionException or IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref failed);
                line = $"{file}: failed: {ex.Message}";
            }
            lock (output)
                stdout.WriteLine(line);
        });

        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        var converted = files.Count - failed;
        stdout.WriteLine(
            $"{converted} converted, {failed} failed, {bytesIn} -> {bytesOut} bytes in {seconds:0.00} s " +
            $"({converted / Math.Max(seconds, 1e-3):0.00} images/s, {workers} workers)");
        return failed == 0 ? Cli.ExitOk : Cli.ExitFailure;
    }
}
