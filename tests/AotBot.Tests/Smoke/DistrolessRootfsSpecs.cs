namespace AotBot.Tests.Smoke;

/// <summary>
/// There is no Docker engine here, so the distroless image's premise is proved on a folder that holds only what
/// gcr.io/distroless/cc-debian12:nonroot holds, run with chroot as uid 65532.
/// </summary>
public sealed class DistrolessRootfsSpecs : IDisposable
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "aotbot-rootfs-" + Guid.NewGuid().ToString("N"));

    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "scripts", "distroless-rootfs.sh");

    private async Task AssembleAsync(params string[] leaveOut)
    {
        var result = await PublishedBinary.RunAsync([Script, PublishedBinary.Directory!, _root, .. leaveOut], fileName: "bash");
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    private Task<PublishedBinary.Result> RunInsideAsync(params string[] args) =>
        PublishedBinary.RunAsync(["--userspec=65532:65532", _root, "/app/aotbot", .. args],
            new Dictionary<string, string?> { ["HOME"] = "/home/nonroot", ["BOT_TOKEN"] = ValidToken },
            fileName: "chroot");

    [RootAndPublishedBinaryFact]
    public async Task The_binary_runs_its_verbs_inside_a_distroless_rootfs_as_uid_65532()
    {
        await AssembleAsync();

        var version = await RunInsideAsync("--version");
        var check = await RunInsideAsync("check-config");

        Assert.True(version.ExitCode == 0, version.Stderr);
        Assert.StartsWith("aotbot ", version.Stdout);
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Contains("Configuration is valid", check.Stdout);
    }

    [RootAndPublishedBinaryFact]
    public async Task Every_shipped_library_resolves_its_dependencies_inside_the_rootfs()
    {
        await AssembleAsync();

        var missing = await MissingLibrariesAsync();

        Assert.Empty(missing);
    }

    [RootAndPublishedBinaryFact]
    public async Task A_missing_shared_library_is_caught()
    {
        // libSkiaSharp.so (and the binary once libheif is linked in) needs libstdc++: leave it out.
        await AssembleAsync("libstdc++6");

        var missing = await MissingLibrariesAsync();

        Assert.Contains(missing, line => line.Contains("libstdc++.so.6"));
    }

    /// <summary>
    /// Asks the rootfs's own dynamic loader (distroless has no ldd) to resolve every ELF file in /app, the way it
    /// will at run time; SkiaSharp is loaded lazily, so running a verb alone would not catch its missing libraries.
    /// </summary>
    private async Task<List<string>> MissingLibrariesAsync()
    {
        var loader = Directory.GetFiles(Path.Combine(_root, "usr", "lib64"), "ld-linux*").Concat(
            Directory.GetFiles(Path.Combine(_root, "usr", "lib"), "ld-linux*")).Select(Path.GetFileName).First();
        var missing = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(_root, "app")))
        {
            using (var stream = File.OpenRead(file))
            {
                var magic = new byte[4];
                if (stream.Read(magic) < 4 || magic is not [0x7F, (byte)'E', (byte)'L', (byte)'F']) continue;
            }
            var dir = File.Exists(Path.Combine(_root, "usr", "lib64", loader!)) ? "/lib64/" : "/lib/";
            var list = await PublishedBinary.RunAsync(["--userspec=65532:65532", _root, dir + loader, "--list", "/app/" + Path.GetFileName(file)],
                fileName: "chroot");
            missing.AddRange((list.Stdout + list.Stderr).Split('\n').Where(l => l.Contains("not found")).Select(l => Path.GetFileName(file) + ": " + l.Trim()));
            if (list.ExitCode != 0 && missing.Count == 0) missing.Add($"{Path.GetFileName(file)}: loader exit {list.ExitCode}: {list.Stderr}");
        }
        return missing;
    }

    [RootAndPublishedBinaryFact]
    public async Task The_bot_answers_a_message_from_inside_the_rootfs_as_uid_65532_writing_only_its_data_dir()
    {
        // Arrange: chroot shares the host's loopback, so the bot inside reaches the fake Bot API outside.
        await AssembleAsync();
        await using var api = await AotBot.Testing.FakeBotApi.FakeBotApi.StartAsync();
        await using var bot = RunningBinary.Start([], new Dictionary<string, string?>
        {
            ["HOME"] = "/home/nonroot",
            ["BOT_TOKEN"] = api.Token,
            ["AOTBOT_Telegram__ApiBaseUrl"] = api.BaseUrl.ToString(),
            ["AOTBOT_Storage__ConnectionString"] = "Data Source=/data/aotbot.db",
        }, fileName: "chroot", prefixArgs: ["--userspec=65532:65532", _root, "/app/aotbot"]);
        await api.WaitForCallsAsync("getUpdates", 1, TimeSpan.FromSeconds(30));

        // Act
        api.Enqueue(api.Updates.Text(4242, 4242, "/start"));
        var reply = (await api.WaitForCallsAsync("sendMessage", 1, TimeSpan.FromSeconds(30)))[0];
        var exit = await bot.TerminateAsync();

        // Assert: one message in, one reply out; everything it wrote is under /data (the rest of the root is root's)
        Assert.Equal(4242, reply.ChatId);
        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(_root, "data", "aotbot.db")));
        var owned = await PublishedBinary.RunAsync([_root, "-uid", "65532", "-not", "-path", _root + "/data*", "-not", "-path", _root + "/home/nonroot"],
            fileName: "find");
        Assert.Equal("", owned.Stdout.Trim());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

/// <summary>Needs root (chroot, mknod) and the published binary; both hold under ./build.sh test in CI.</summary>
public sealed class RootAndPublishedBinaryFactAttribute : FactAttribute
{
    public RootAndPublishedBinaryFactAttribute()
    {
        if (PublishedBinary.Directory is null) Skip = "No published binary: run through ./build.sh test";
        else if (Environment.UserName != "root") Skip = "Needs root for chroot and mknod";
    }
}
