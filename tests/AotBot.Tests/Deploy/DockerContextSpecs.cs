using Xunit.Abstractions;

namespace AotBot.Tests.Deploy;

/// <summary>
/// The build context `docker build -f Dockerfile.distroless .` sends, listed from this checkout with .dockerignore's
/// rules (<see cref="DockerIgnore"/>): after ./build.sh the checkout holds bin/, obj/, artifacts/, native/out, so the
/// walk meets exactly what an operator's machine would send.
/// </summary>
public sealed class DockerContextSpecs(ITestOutputHelper output)
{
    private static readonly DockerIgnore Ignore = new(File.ReadAllText(Path.Combine(RepositoryRoot.Path, ".dockerignore")));

    /// <summary>Every file and symlink the context holds, relative to the root; excluded folders are not entered.</summary>
    private static List<(string Path, long Bytes)> Context()
    {
        var files = new List<(string, long)>();
        var pending = new Stack<string>([RepositoryRoot.Path]);
        while (pending.TryPop(out var dir))
        {
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                var relative = Path.GetRelativePath(RepositoryRoot.Path, entry.FullName).Replace('\\', '/');
                if (!Ignore.Includes(relative)) continue;
                if (entry is DirectoryInfo && entry.LinkTarget is null) pending.Push(entry.FullName);
                else files.Add((relative, entry is FileInfo { LinkTarget: null } file ? file.Length : 0));
            }
        }
        return files;
    }

    /// <summary>The Debian source files native/versions pins; native/build.sh reads them from native/sources.</summary>
    private static IEnumerable<string> VendoredSources() =>
        File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "native", "versions"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => "native/sources/" + l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);

    [Fact]
    public void The_context_holds_what_the_image_build_reads_and_the_vendored_native_sources()
    {
        // Act
        var context = Context().Select(f => f.Path).ToHashSet();

        // Assert
        foreach (var needed in new[] { "build.sh", "Directory.Build.props", "Directory.Packages.props", "src/AotBot/AotBot.csproj",
                     "src/AotBot/Program.cs", "native/build.sh", "native/toolchain.sh", "native/versions" })
            Assert.Contains(needed, context);
        Assert.All(VendoredSources(), source => Assert.True(Ignore.Includes(source), $"{source} is left out of the context"));
        // Present once the sources are vendored: then the walk must meet every one of them.
        if (Directory.Exists(Path.Combine(RepositoryRoot.Path, "native", "sources")))
            Assert.All(VendoredSources(), source => Assert.Contains(source, context));
    }

    [Fact]
    public void Nothing_a_host_build_leaves_behind_reaches_the_context()
    {
        // Act
        var context = Context();

        // Assert
        var leaked = context.Where(f => f.Path.Split('/') is var parts
            && (parts.Any(p => p is "bin" or "obj" or "TestResults" or ".git")
                || parts[0] is "artifacts" or ".build" or "tests" or "bench"
                || f.Path.StartsWith("native/out") || f.Path.StartsWith("native/src/")
                || f.Path.EndsWith(".db"))).Select(f => f.Path).ToList();
        Assert.Empty(leaked);
        var megabytes = context.Sum(f => f.Bytes) / 1048576.0;
        output.WriteLine($"build context: {context.Count} files, {megabytes:F1} MB");
        Assert.True(megabytes < 64, $"the context is {megabytes:F1} MB");
    }

    [Theory]
    [InlineData("src/AotBot/obj/project.assets.json")]
    [InlineData("src/AotBot/bin/Release/net10.0/linux-x64/aotbot.dll")]
    [InlineData("src/AotBot/obj/Release/net10.0/linux-x64/native/aotbot.o")]
    [InlineData("artifacts/linux-x64/aotbot")]
    [InlineData(".build/publish-linux-x64.log")]
    [InlineData("native/out/linux-x64")]
    [InlineData("native/src/libheif-1.19.7/CMakeLists.txt")]
    [InlineData(".git/HEAD")]
    [InlineData("tests/AotBot.Tests/obj/project.assets.json")]
    [InlineData("aotbot.db")]
    [InlineData("src/AotBot/aotbot.db-wal")]
    [InlineData("some-new-folder/big.bin")]
    public void A_path_outside_the_build_inputs_is_left_out_wherever_it_is(string path) =>
        Assert.False(Ignore.Includes(path), path);

    [Theory]
    [InlineData("src/AotBot/Hosting/Cli.cs")]
    [InlineData("src/AotBot/Localization/Locales/en.json")]
    [InlineData("native/versions")]
    [InlineData("native/jpeg/aotbot_jpeg.c")]
    [InlineData("native/sources/libheif_1.19.7.orig.tar.gz")]
    public void A_build_input_is_sent(string path) => Assert.True(Ignore.Includes(path), path);

    [Fact]
    public void Every_file_the_Dockerfile_copies_from_the_context_is_in_it()
    {
        var build = Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile.distroless")))[0];

        var sources = build.Where("COPY").Where(c => !c.Flags.Any(f => f.StartsWith("--from=")))
            .SelectMany(c => c.Arguments.Split(' ')[..^1]).Where(s => s != ".").ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(Ignore.Includes(source.TrimEnd('/')) && Path.Exists(Path.Combine(RepositoryRoot.Path, source)),
            $"COPY {source}: not in the build context"));
    }
}
