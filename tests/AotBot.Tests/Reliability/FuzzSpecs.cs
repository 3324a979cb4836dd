using System.Text;
using AotBot.Imaging;
using AotBot.Testing.Fuzz;
using AotBot.Tests.Imaging;
using AotBot.Tests.Smoke;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Hostile images: the format sniffer and the HEIF/AVIF decode path fuzzed with mutations of the committed test images
/// (Fixtures/Imaging and Fixtures/Fuzz/seeds). Decoding runs in <c>aotbot convert</c> children (the published Native
/// AOT binary under ./build.sh test, else the JIT build beside the tests), so a native crash fails a spec instead of
/// killing the test run. The long run is bench/fuzz/run.sh; what it finds goes to Fixtures/Fuzz/crashers/ with a fix.
/// </summary>
public sealed class FuzzSpecs
{
    /// <summary>Fixed, so the suite fuzzes the same inputs every run; bench/fuzz/run.sh takes FUZZ_SEED for others.</summary>
    private const int RunSeed = 20261125;

    private static string Binary => PublishedBinary.Directory is { } published
        ? Path.Combine(published, "aotbot")
        : Path.Combine(AppContext.BaseDirectory, "aotbot");

    private static string FuzzFixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Fuzz");

    private static List<(string Name, byte[] Bytes)> Seeds =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Imaging"))
            .Concat(Directory.EnumerateFiles(Path.Combine(FuzzFixtures, "seeds")))
            .Where(file => file.EndsWith(".heic", StringComparison.Ordinal) || file.EndsWith(".avif", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileName(file), File.ReadAllBytes(file)))];

    [Fact]
    public void The_sniffer_never_throws_and_decides_from_its_first_64_bytes_alone()
    {
        // Act
        var report = SnifferFuzz.Run(new HeifMutator(Seeds, RunSeed), iterations: 20_000);

        // Assert
        Assert.True(report.Violations.Count == 0, string.Join("\n", report.Violations));
        Assert.True(report.Inputs > 30_000, report.ToString());
        Assert.All([ImageFormat.Heif, ImageFormat.Avif, ImageFormat.Unknown], format => Assert.Contains(format, report.Formats.Keys));
    }

    [Fact]
    public async Task The_decode_path_survives_a_mutation_corpus_with_no_crash_no_hang_and_bounded_memory()
    {
        // Arrange
        var findings = Path.Combine(Path.GetTempPath(), $"aotbot-fuzz-findings-{Guid.NewGuid():N}");
        var options = new FuzzOptions
        {
            Binary = Binary,
            Iterations = 2000,
            // Under long.heic's 4.6 MP: its variants stop at the size check, the one decode that would cost 0.2 s each.
            MaxPixels = 4_000_000,
            FindingsDirectory = findings,
        };

        // Act
        var report = await ConvertFuzzer.RunAsync(new HeifMutator(Seeds, RunSeed), options);

        // Assert
        Assert.True(report.Findings.Count == 0,
            $"{report.Summary()}\n{string.Join("\n", report.Findings.Select(f => $"{f.Kind}: {f.Input.Describe()}: {f.Detail}"))}\n" +
            $"The inputs are in {findings}: fix the cause, then keep them in tests/AotBot.Tests/Fixtures/Fuzz/crashers/.");
        Assert.Equal(options.Iterations, report.Iterations);
        Assert.True(report.Converted > 0 && report.Failed > 0, report.Summary());
        // 4 MP of pixels is 16 MB as RGBA: a child far above its idle size decoded something its limits did not count.
        Assert.True(report.PeakRssKb is > 0 and < 300 * 1024, report.Summary());
    }

    [Fact]
    public async Task Every_input_kept_from_a_crash_or_hang_now_converts_or_is_refused_cleanly()
    {
        // Arrange: the crashers the fuzz found (each with a .txt saying how it was made), and their crafted relatives
        var kept = Directory.EnumerateFiles(Path.Combine(FuzzFixtures, "crashers"))
            .Where(file => file.EndsWith(".heic", StringComparison.Ordinal) || file.EndsWith(".avif", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileName(file), File.ReadAllBytes(file)))
            .Concat(Crafted())
            .ToList();

        // Act
        var report = await ConvertFuzzer.ReplayAsync(kept, new FuzzOptions { Binary = Binary, MaxPixels = 1_000_000 });

        // Assert
        Assert.True(report.Findings.Count == 0, string.Join("\n", report.Findings.Select(f => $"{f.Input.Seed}: {f.Kind}: {f.Detail}")));
        Assert.Equal(kept.Count, report.Iterations);
        Assert.Contains("reference each other in a loop", report.Outcomes["grid-whose-tile-is-itself.heic"]);
        Assert.Contains("reference each other in a loop", report.Outcomes["two-grids-made-of-each-other.heic"]);
        Assert.Contains("reference each other in a loop", report.Outcomes["alpha-plane-of-itself.heic"]);
        Assert.Contains("nest deeper than 8 levels", report.Outcomes["grids-nested-twelve-deep.heic"]);
        Assert.Contains("decodes to", report.Outcomes["ispe-understates-the-stream.heic"]);
    }

    /// <summary>Files made to break libheif the ways the fuzz found, and a few more of the same family.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> Crafted()
    {
        yield return ("ispe-understates-the-stream.heic", IspeUnderstatingTheStream());

        // grid 2's tile is grid 3, whose tile is grid 2
        var loop = HeifFile.Grid(1, 1, 64, 64, HeifFile.Load("tile-red.heic"));
        var second = loop.Primary with { Id = 3 };
        loop.Items.Add(second);
        loop.References.Clear();
        loop.References.Add(("dimg", 2, [3]));
        loop.References.Add(("dimg", 3, [2]));
        yield return ("two-grids-made-of-each-other.heic", loop.Write());

        // the alpha plane names itself as its master
        var alpha = HeifFile.Load("alpha.heic");
        var (type, from, _) = alpha.References.Single(r => r.Type == "auxl");
        alpha.References[alpha.References.FindIndex(r => r.Type == "auxl")] = (type, from, [from]);
        yield return ("alpha-plane-of-itself.heic", alpha.Write());

        // a grid of a grid of ... twelve levels down to one tile
        var deep = HeifFile.Grid(1, 1, 64, 64, HeifFile.Load("tile-red.heic"));
        for (uint level = 3; level <= 14; level++)
        {
            deep.Items.Add(deep.Primary with { Id = level });
            deep.References.Add(("dimg", level, [level - 1]));
            deep.PrimaryId = level;
        }
        yield return ("grids-nested-twelve-deep.heic", deep.Write());
    }

    [Fact]
    public async Task An_image_whose_boxes_understate_its_coded_size_is_refused_by_what_it_decodes_to()
    {
        // Arrange: ispe says 64x64 (inside a 1 MP limit), the HEVC stream is 9600x480 (4.6 MP)
        await using var converter = ImagingFixtures.Converter(maxPixels: 1_000_000);

        // Act
        var refused = await Assert.ThrowsAsync<ImageConversionException>(async () =>
            await converter.ConvertAsync(IspeUnderstatingTheStream(), CancellationToken.None));

        // Assert
        Assert.Contains("decodes to", refused.Message);
        Assert.Contains("over Imaging:MaxPixels (1000000)", refused.Message);
    }

    /// <summary>tile-red.heic's boxes (ispe 64x64) around long.heic's HEVC parameter sets and slices (9600x480).</summary>
    private static byte[] IspeUnderstatingTheStream()
    {
        var small = HeifFile.Load("tile-red.heic");
        var big = HeifFile.Load("long.heic");
        var primary = small.Primary;
        small.Items[small.Items.IndexOf(primary)] = primary with { Data = big.Primary.Data };
        var hvcC = big.Primary.Properties.Select(p => big.Properties[p.Property - 1]).Single(box => Encoding.ASCII.GetString(box, 4, 4) == "hvcC");
        return small.ReplaceProperty(small.PrimaryId, "hvcC", hvcC).Write();
    }
}
