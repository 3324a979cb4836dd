namespace AotBot.Tests.Smoke;

/// <summary>The linux-arm64 binary that <c>./build.sh test</c> cross-compiles, run under qemu-aarch64-static.</summary>
public sealed class Arm64Specs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    internal static string? Directory => Environment.GetEnvironmentVariable("AOTBOT_PUBLISHED_DIR_ARM64") is { Length: > 0 } dir
        && File.Exists(Path.Combine(dir, "aotbot")) ? dir : null;

    internal static Task<PublishedBinary.Result> RunAsync(params string[] args) =>
        PublishedBinary.RunAsync(["-L", "/usr/aarch64-linux-gnu", Path.Combine(Directory!, "aotbot"), .. args],
            new Dictionary<string, string?> { ["BOT_TOKEN"] = ValidToken }, fileName: "qemu-aarch64-static",
            timeout: TimeSpan.FromMinutes(2));

    [Arm64Fact]
    public async Task The_arm64_binary_prints_its_version_under_qemu()
    {
        var result = await RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^aotbot \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}, linux-arm64\)", result.Stdout);
    }

    [Arm64Fact]
    public async Task The_arm64_binary_checks_its_configuration_under_qemu()
    {
        var good = await RunAsync("check-config");
        var bad = await RunAsync("check-config", "--Imaging:JpegQuality=0");

        Assert.Equal(0, good.ExitCode);
        Assert.Contains("Telegram:Token = 123456789:***", good.Stdout);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("Imaging:JpegQuality must be between 1 and 100: set AOTBOT_Imaging__JpegQuality", bad.Stderr.Trim());
    }
}

/// <summary>Runs where ./build.sh test cross-published linux-arm64 and qemu-aarch64-static is installed.</summary>
public sealed class Arm64FactAttribute : FactAttribute
{
    public Arm64FactAttribute()
    {
        if (Arm64Specs.Directory is null) Skip = "No linux-arm64 build: run through ./build.sh test";
        else if (!File.Exists("/usr/bin/qemu-aarch64-static")) Skip = "qemu-aarch64-static is not installed";
    }
}
