using AotBot.Tests.Smoke;

namespace AotBot.Tests.Deploy;

/// <summary>
/// native/toolchain.sh, the one table of which compiler builds for which machine (build.sh, native/build.sh and
/// Dockerfile.distroless all call it), for every BUILDARCH × TARGETARCH pair Docker can hand it.
/// </summary>
public sealed class ToolchainSpecs
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "native", "toolchain.sh");

    private static Task<PublishedBinary.Result> Choose(string build, string target) =>
        PublishedBinary.RunAsync([Script, build, target], fileName: "bash");

    public static TheoryData<string, string, string, string, string> Pairs() => new()
    {
        // BUILDARCH, TARGETARCH, runtime identifier, cross prefix, Debian packages
        { "amd64", "amd64", "linux-x64", "", "" },
        { "arm64", "arm64", "linux-arm64", "", "" },
        { "amd64", "arm64", "linux-arm64", "aarch64-linux-gnu", "crossbuild-essential-arm64" },
        { "arm64", "amd64", "linux-x64", "x86_64-linux-gnu", "crossbuild-essential-amd64" },
        // build.sh passes uname -m and --arch; the same table answers.
        { "x86_64", "x64", "linux-x64", "", "" },
        { "aarch64", "x64", "linux-x64", "x86_64-linux-gnu", "crossbuild-essential-amd64" },
        { "x86_64", "arm64", "linux-arm64", "aarch64-linux-gnu", "crossbuild-essential-arm64" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Each_builder_and_target_pair_gets_its_runtime_identifier_and_compilers(
        string build, string target, string rid, string cross, string packages)
    {
        var result = await Choose(build, target);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal($"rid={rid} cross={cross} packages={packages}", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("amd64", "riscv64", "toolchain: unsupported target architecture 'riscv64' (amd64, arm64)")]
    [InlineData("arm64", "arm", "toolchain: unsupported target architecture 'arm' (amd64, arm64)")]
    [InlineData("amd64", "", "toolchain: unsupported target architecture '' (amd64, arm64)")]
    [InlineData("s390x", "amd64", "toolchain: unsupported build architecture 's390x' (amd64, arm64)")]
    public async Task An_unsupported_architecture_fails_with_one_line_naming_it(string build, string target, string line)
    {
        var result = await Choose(build, target);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(line, result.Stderr.Trim());
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("linux-x64", "x86_64", "")]
    [InlineData("linux-arm64", "x86_64", "aarch64-linux-gnu")]
    [InlineData("linux-x64", "aarch64", "x86_64-linux-gnu")]
    [InlineData("linux-arm64", "aarch64", "")]
    public async Task native_build_takes_its_cross_prefix_from_the_table_for_the_machine_it_runs_on(string rid, string machine, string cross)
    {
        // Arrange: native/build.sh's own selection lines, cut out and run with uname -m answering for another machine.
        var recipe = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "native", "build.sh"));
        var from = Array.FindIndex(recipe, l => l.StartsWith("case \"$RID\" in"));
        var to = Array.FindIndex(recipe, from, l => l.StartsWith("CROSS=$TOOLCHAIN_CROSS"));
        Assert.True(from >= 0 && to > from, "native/build.sh no longer selects CROSS through native/toolchain.sh");
        var selection = string.Join('\n', recipe[from..(to + 1)]);
        var script = $$"""
            set -euo pipefail
            HERE={{Path.Combine(RepositoryRoot.Path, "native")}}
            RID={{rid}}
            die() { echo "$*" >&2; exit 1; }
            uname() { echo {{machine}}; }
            {{selection}}
            echo "cross=$CROSS"
            """;

        // Act
        var result = await PublishedBinary.RunAsync(["-c", script], fileName: "bash");

        // Assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal($"cross={cross}", result.Stdout.Trim());
    }
}
