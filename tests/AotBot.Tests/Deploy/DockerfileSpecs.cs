using System.Text.RegularExpressions;
using System.Xml.Linq;
using AotBot.Hosting;

namespace AotBot.Tests.Deploy;

/// <summary>
/// Dockerfile.distroless read as BuildKit reads it (no Docker engine runs here): pinned inputs, cached layers in the
/// right order, the per-architecture toolchain, and a final stage that answers its HEALTHCHECK and stops cleanly.
/// </summary>
public sealed partial class DockerfileSpecs
{
    private static readonly string Text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile.distroless"));
    private static readonly IReadOnlyList<Stage> Stages = Dockerfile.Parse(Text);
    private static Stage Build => Stages[0];
    private static Stage Final => Stages[^1];

    [GeneratedRegex("^(?<name>[^@]+)@sha256:[0-9a-f]{64}$")]
    private static partial Regex PinnedImage();

    [Fact]
    public void Both_base_images_are_pinned_by_digest_with_a_comment_saying_how_to_refresh_them()
    {
        Assert.Equal(2, Stages.Count);
        foreach (var stage in Stages)
        {
            var pinned = PinnedImage().Match(stage.Image);
            Assert.True(pinned.Success, $"FROM {stage.Image} is not pinned by digest");
            Assert.Contains("imagetools inspect " + pinned.Groups["name"].Value, Text);
        }
    }

    [Fact]
    public void The_build_stage_is_bookworm_like_the_final_image_so_the_binary_needs_no_newer_glibc_than_2_36()
    {
        Assert.StartsWith("debian:bookworm", Build.Image);
        Assert.StartsWith("gcr.io/distroless/cc-debian12:nonroot@", Final.Image);
    }

    [Fact]
    public void The_SDK_is_an_exact_version_checked_against_its_published_sha512_for_each_builder()
    {
        var args = Build.Args();

        Assert.Matches(@"^\d+\.\d+\.\d{3}$", args["DOTNET_SDK_VERSION"]);
        Assert.Matches("^[0-9a-f]{128}$", args["DOTNET_SDK_SHA512_AMD64"]);
        Assert.Matches("^[0-9a-f]{128}$", args["DOTNET_SDK_SHA512_ARM64"]);
        var install = Assert.Single(Build.Where("RUN"), r => r.Arguments.Contains("dotnet-sdk-$DOTNET_SDK_VERSION"));
        Assert.Contains("sha512sum --check --strict", install.Arguments);
        Assert.DoesNotContain("dotnet-install", Text);
        Assert.DoesNotContain("--channel", Text);
    }

    [Fact]
    public void The_build_runs_on_the_builder_and_takes_its_toolchain_from_the_table_for_BUILDARCH_and_TARGETARCH()
    {
        // Arrange
        var runs = Build.Where("RUN").ToList();

        // Assert: the table answers first (an unsupported TARGETARCH stops there), then every step that compiles asks it.
        Assert.Equal("$BUILDPLATFORM", Build.Platform);
        Assert.Contains("BUILDARCH", Build.Args().Keys);
        Assert.Contains("TARGETARCH", Build.Args().Keys);
        Assert.Equal("native/toolchain.sh \"$BUILDARCH\" \"$TARGETARCH\"", runs[0].Arguments);
        foreach (var step in runs.Where(r => r.Arguments.Contains("TOOLCHAIN_")))
            Assert.StartsWith("source native/toolchain.sh && toolchain_choose \"$BUILDARCH\" \"$TARGETARCH\"", step.Arguments);
        Assert.Contains(runs, r => r.Arguments.Contains("$TOOLCHAIN_PACKAGES") && r.Arguments.Contains("apt-get install"));
        Assert.Contains(runs, r => r.Arguments.Contains("native/build.sh \"$TOOLCHAIN_RID\""));
        Assert.Contains(runs, r => r.Arguments.Contains("./build.sh --arch \"$TARGETARCH\""));
        Assert.Contains(runs, r => r.Arguments.Contains("cp -a \"artifacts/$TOOLCHAIN_RID\"/. /out/"));
    }

    [GeneratedRegex(@"^(?:APT_PACKAGES=|\[[^\]\n]*\] && APT_PACKAGES\+=)\(([^)$\n]*)\)", RegexOptions.Multiline)]
    private static partial Regex BuildPackages();

    [Theory]
    [InlineData("build.sh")]
    [InlineData("native/build.sh")]
    public void The_build_stage_installs_every_package_the_build_scripts_would_install_themselves(string script)
    {
        // Arrange: the scripts' own lists (a new library's tool, such as openh264's make and nasm, goes there first);
        // the image's build runs as root with no apt lists left, so a package missing here fails only on a real build.
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, script));
        var needed = BuildPackages().Matches(text).SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var install = Assert.Single(Build.Where("RUN"), r => r.Arguments.Contains("apt-get install"));
        var installed = Dockerfile.Words(install.Arguments).ToHashSet();

        // Assert
        Assert.Contains("cmake", needed);
        Assert.Contains("nasm", needed);
        Assert.All(needed, package => Assert.True(installed.Contains(package), $"{script} needs {package}; Dockerfile.distroless does not install it"));
    }

    [Fact]
    public void Native_libraries_and_restore_are_layers_of_their_own_before_the_sources_arrive()
    {
        // Arrange
        var steps = Build.Instructions.ToList();
        var sources = steps.FindIndex(i => i is { Keyword: "COPY", Arguments: ". ." });
        var native = steps.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("native/build.sh"));
        var restore = steps.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore"));
        var publish = steps.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("./build.sh"));
        var nuget = Build.Environment()["NUGET_PACKAGES"];

        // Assert: a source edit invalidates only the layers from COPY . . on; libheif and the restore stay cached.
        Assert.True(native >= 0 && native < sources && restore > native && restore < sources && publish > sources);
        Assert.All(steps[..native].Where(i => i.Keyword == "COPY"), copy => Assert.StartsWith("native/", copy.Arguments));
        var restoreInputs = steps[native..restore].Where(i => i.Keyword == "COPY").SelectMany(c => c.Arguments.Split(' ')[..^1]);
        Assert.All(restoreInputs, input => Assert.True(input.EndsWith(".props") || input.EndsWith(".csproj"), $"COPY {input} before the restore"));
        foreach (var step in new[] { steps[restore], steps[publish] })
            Assert.Contains($"--mount=type=cache,id=aotbot-nuget,target={nuget}", step.Flags);
    }

    [Fact]
    public void The_image_listens_on_the_port_it_exposes_and_its_HEALTHCHECK_asks_the_running_bot()
    {
        // Arrange
        var environment = Final.Environment();
        var listen = ListenAddress.Parse(environment["AOTBOT_Http__Listen"]);

        // Assert
        Assert.NotNull(listen);
        Assert.Equal(listen.Port.ToString(), Assert.Single(Final.Where("EXPOSE")).Arguments);
        var healthcheck = Assert.Single(Final.Where("HEALTHCHECK"));
        Assert.Equal("CMD [\"/app/aotbot\", \"healthcheck\"]", healthcheck.Arguments);
        Assert.Equal(new Uri($"http://127.0.0.1:{listen.Port}/healthz"), ListenAddress.ProbeUrl(environment["AOTBOT_Http__Listen"], "/healthz"));
        Assert.Equal("/data", environment["TMPDIR"]);
        Assert.Equal("65532:65532", Assert.Single(Final.Where("USER")).Arguments);
    }

    [Fact]
    public void It_stops_with_SIGTERM_and_README_gives_docker_more_time_than_the_bots_drain()
    {
        // Arrange
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var run = readme.Split('\n').Single(l => l.TrimStart().StartsWith("docker run") && l.Contains("aotbot"));
        var timeout = StopTimeout().Match(run);

        // Assert
        Assert.Equal("SIGTERM", Assert.Single(Final.Where("STOPSIGNAL")).Arguments);
        Assert.True(timeout.Success, run);
        Assert.True(TimeSpan.FromSeconds(int.Parse(timeout.Groups[1].Value)) > new HostingOptions().ShutdownTimeout);
    }

    [GeneratedRegex(@"--stop-timeout (\d+)")]
    private static partial Regex StopTimeout();

    [Fact]
    public void The_OCI_labels_come_from_build_arguments_and_the_version_default_is_the_projects()
    {
        // Arrange
        var labels = Final.Where("LABEL").SelectMany(l => Dockerfile.Words(l.Arguments)).Select(w => w.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        var args = Final.Args();
        var project = XDocument.Load(Path.Combine(RepositoryRoot.Path, "src", "AotBot", "AotBot.csproj"));

        // Assert
        foreach (var (label, arg) in new[] { ("source", "SOURCE"), ("revision", "REVISION"), ("version", "VERSION"), ("licenses", "LICENSES") })
        {
            Assert.Equal("$" + arg, labels["org.opencontainers.image." + label]);
            Assert.Contains(arg, args.Keys);
        }
        Assert.Equal(project.Descendants("Version").Single().Value, args["VERSION"]);
    }
}
