using AotBot.Hosting;
using static AotBot.Tests.Imaging.ImagingFixtures;

namespace AotBot.Tests.Imaging;

public sealed class ConvertCommandSpecs : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("aotbot-convert-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private static async Task<(int Exit, string[] Lines, string Err)> RunCli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.ToString());
    }

    [Fact]
    public async Task I_can_convert_files_into_a_directory_and_see_one_line_each_and_a_summary()
    {
        // Act
        var (exit, lines, _) = await RunCli("convert", Path("quadrants.heic"), Path("wide.heic"), "-o", _output, "--quality", "80");

        // Assert
        Assert.Equal(0, exit);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith(Path("quadrants.heic") + ": 593 -> ") && l.Contains(" bytes, 96x64, ") && l.Contains(" ms"));
        Assert.Contains(lines, l => l.StartsWith(Path("wide.heic")) && l.Contains("1050x50") && l.Contains("as document"));
        Assert.Matches(@"^2 converted, 0 failed, \d+ -> \d+ bytes in \d+\.\d\d s \(\d+\.\d\d images/s, \d+ workers\)$", lines[^1]);
        var jpeg = await File.ReadAllBytesAsync(System.IO.Path.Combine(_output, "quadrants.jpg"));
        Assert.Equal(LibjpegLumaTable(80), ReadHeader(jpeg).LumaTable);
        Assert.True(File.Exists(System.IO.Path.Combine(_output, "wide.jpg")));
    }

    [Fact]
    public async Task I_get_exit_code_1_and_a_failed_line_for_a_file_that_cannot_be_converted()
    {
        // Arrange
        var broken = System.IO.Path.Combine(_output, "broken.heic");
        await File.WriteAllBytesAsync(broken, Bytes("quadrants.heic")[..200]);

        // Act
        var (exit, lines, _) = await RunCli("convert", broken, Path("quadrants.heic"), "-o", _output, "--Imaging:Workers=1");

        // Assert
        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.StartsWith(broken + ": failed: "));
        Assert.StartsWith("1 converted, 1 failed", lines[^1]);
        Assert.EndsWith("1 workers)", lines[^1]);
    }

    [Fact]
    public async Task I_get_exit_code_2_when_two_files_would_be_written_to_the_same_jpeg()
    {
        var (exit, _, err) = await RunCli("convert", Path("quadrants.heic"), Path("quadrants.avif"), "-o", _output);

        Assert.Equal(2, exit);
        Assert.Contains("would both be written to " + System.IO.Path.Combine(_output, "quadrants.jpg"), err);
        Assert.Empty(Directory.GetFiles(_output));
    }

    [Theory]
    [InlineData(new[] { "convert" }, "No files given. Usage: aotbot convert <files...> [-o DIR] [--quality N]")]
    [InlineData(new[] { "convert", "x.heic", "--fast" }, "Unknown option '--fast'. Usage: aotbot convert <files...> [-o DIR] [--quality N]")]
    [InlineData(new[] { "convert", "x.heic", "--quality", "0" }, "Imaging:JpegQuality must be between 1 and 100: set AOTBOT_Imaging__JpegQuality")]
    public async Task I_get_exit_code_2_for_a_bad_command_line(string[] args, string message)
    {
        var (exit, _, err) = await RunCli(args);

        Assert.Equal(2, exit);
        Assert.Equal(message, err.Trim());
    }
}
