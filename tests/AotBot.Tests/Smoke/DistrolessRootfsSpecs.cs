using AotBot.Tests.Deploy;
using AotBot.Tests.Imaging;
using AotBot.Tests.Storage;
using Npgsql;

namespace AotBot.Tests.Smoke;

/// <summary>
/// There is no Docker engine here, so the distroless image's premise is proved on a folder that holds only what
/// gcr.io/distroless/cc-debian12:nonroot holds, run with chroot as uid 65532 on a read-only root with only /data
/// writable, as <c>docker run --read-only -v aotbot-data:/data</c> would.
/// </summary>
public sealed class DistrolessRootfsSpecs : IDisposable
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "aotbot-rootfs-" + Guid.NewGuid().ToString("N"));

    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "scripts", "distroless-rootfs.sh");

    private async Task AssembleAsync(params string[] leaveOut)
    {
        // Copying a few thousand files while other specs run: minutes, not the default minute.
        var result = await PublishedBinary.RunAsync([Script, PublishedBinary.Directory!, _root, .. leaveOut], fileName: "bash",
            timeout: TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    /// <summary>
    /// In a mount namespace of its own (private propagation, so nothing reaches the host and every mount dies with the
    /// process): the root bound read-only, /data bound over it writable, then chroot as uid 65532.
    /// </summary>
    private const string ReadOnlyRoot = """
        set -e
        mount --bind "$0" "$0"
        mount --bind "$0/data" "$0/data"
        mount -o remount,bind,ro "$0"
        exec chroot --userspec=65532:65532 "$0" "$@"
        """;

    private string[] Inside => ["-m", "--propagation", "private", "sh", "-c", ReadOnlyRoot, _root, "/app/aotbot"];

    /// <summary>The ENV lines of Dockerfile.distroless's final stage, read from the Dockerfile: what docker run gives the bot.</summary>
    private static Dictionary<string, string> ImageEnvironment { get; } =
        Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile.distroless")))[^1].Environment();

    /// <summary>
    /// What Dockerfile.distroless sets for temp files (large downloads go to the volume, not the read-only /tmp). The
    /// image's Http:Listen is left out here: these runs share the host's network, where port 8080 may be taken.
    /// </summary>
    private static Dictionary<string, string?> InsideEnvironment(string token) =>
        new() { ["HOME"] = "/home/nonroot", ["TMPDIR"] = ImageEnvironment["TMPDIR"], ["BOT_TOKEN"] = token };

    /// <summary>As <see cref="Inside"/>, in a network namespace of its own too (only its loopback, up): the image's port is free there.</summary>
    private string[] InsideOwnNetwork => ["-m", "-n", "--propagation", "private", "sh", "-c", "ip link set lo up\n" + ReadOnlyRoot, _root, "/app/aotbot"];

    private Task<PublishedBinary.Result> RunInsideAsync(params string[] args) =>
        PublishedBinary.RunAsync([.. Inside, .. args], InsideEnvironment(ValidToken), fileName: "unshare");

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
    public async Task The_bot_answers_a_message_from_inside_the_rootfs_as_uid_65532_on_a_read_only_root_writing_only_its_data_dir()
    {
        // Arrange: the namespace shares the host's network, so the bot inside reaches the fake Bot API outside.
        await AssembleAsync();
        await using var api = await AotBot.Testing.FakeBotApi.FakeBotApi.StartAsync();
        var environment = InsideEnvironment(api.Token);
        environment["AOTBOT_Telegram__ApiBaseUrl"] = api.BaseUrl.ToString();
        environment["AOTBOT_Storage__ConnectionString"] = "Data Source=/data/aotbot.db";
        await using var bot = RunningBinary.Start([], environment, fileName: "unshare", prefixArgs: Inside);
        await api.WaitForCallsAsync("getUpdates", 1, TimeSpan.FromSeconds(30));

        // Act
        api.Enqueue(api.Updates.Text(4242, 4242, "/start"));
        var reply = (await api.WaitForCallsAsync("sendMessage", 1, TimeSpan.FromSeconds(30)))[0];
        var exit = await bot.TerminateAsync();

        // Assert: one message in, one reply out; everything it wrote is under /data (the rest of the root is root's)
        Assert.Equal(4242, reply.ChatId);
        Assert.True(exit == 0, bot.Output);
        Assert.True(File.Exists(Path.Combine(_root, "data", "aotbot.db")));
        var owned = await PublishedBinary.RunAsync([_root, "-uid", "65532", "-not", "-path", _root + "/data*", "-not", "-path", _root + "/home/nonroot"],
            fileName: "find");
        Assert.Equal("", owned.Stdout.Trim());
    }

    [RootAndPublishedBinaryFact]
    public async Task Inside_the_rootfs_only_the_data_dir_is_writable_even_where_uid_65532_has_permission()
    {
        // Arrange: /tmp is mode 1777, so only a read-only mount can stop uid 65532 writing there.
        await AssembleAsync();
        File.Copy(ImagingFixtures.Path("flat.heic"), Path.Combine(_root, "data", "flat.heic"));

        // Act
        var intoTmp = await RunInsideAsync("convert", "/data/flat.heic", "-o", "/tmp");
        var intoData = await RunInsideAsync("convert", "/data/flat.heic", "-o", "/data");

        // Assert
        Assert.NotEqual(0, intoTmp.ExitCode);
        Assert.Contains("Read-only file system", intoTmp.Stdout + intoTmp.Stderr);
        Assert.False(File.Exists(Path.Combine(_root, "tmp", "flat.jpg")));
        Assert.True(intoData.ExitCode == 0, intoData.Stdout + intoData.Stderr);
        Assert.True(File.Exists(Path.Combine(_root, "data", "flat.jpg")));
    }

    [RootAndPublishedBinaryFact]
    public async Task The_images_HEALTHCHECK_asks_the_running_bots_healthz_with_the_images_own_environment()
    {
        // Arrange: every ENV of the image (Http:Listen on port 8080 among them); Telegram is unreachable in this
        // network namespace, which /healthz does not ask about.
        await AssembleAsync();
        var environment = InsideEnvironment(ValidToken);
        foreach (var (key, value) in ImageEnvironment) environment[key] = value;
        environment["AOTBOT_Telegram__ApiBaseUrl"] = "http://127.0.0.1:9";
        var port = ListenPort(environment);
        string[] healthcheck = ["chroot", "--userspec=65532:65532", _root, "/app/aotbot", "healthcheck"];

        // Act: the HEALTHCHECK with no bot running, then (as docker exec runs it) in the running bot's namespaces.
        var nobody = await PublishedBinary.RunAsync([.. InsideOwnNetwork, "healthcheck"], environment, fileName: "unshare");
        await using var bot = RunningBinary.Start([], environment, fileName: "unshare", prefixArgs: InsideOwnNetwork);
        await bot.WaitForLineAsync(l => l.Contains($"Listening on http://0.0.0.0:{port}"));
        var running = await PublishedBinary.RunAsync(["-t", bot.Id.ToString(), "-m", "-n", .. healthcheck], environment, fileName: "nsenter");
        var exit = await bot.TerminateAsync();

        // Assert
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains($"http://127.0.0.1:{port}/healthz: unreachable", nobody.Stderr);
        Assert.True(running.ExitCode == 0, running.Stdout + running.Stderr + bot.Output);
        Assert.Equal($"http://127.0.0.1:{port}/healthz: 200", running.Stdout.Trim());
        Assert.Equal(0, exit);
    }

    private static int ListenPort(Dictionary<string, string?> environment) =>
        AotBot.Hosting.ListenAddress.Parse(environment["AOTBOT_Http__Listen"])!.Port;

    [RootAndPublishedBinaryFact(RequiresEnvironment = "AOTBOT_TEST_POSTGRES")]
    public async Task The_bot_keeps_its_state_in_PostgreSQL_from_inside_the_rootfs_without_a_GSS_library_and_nothing_on_stderr()
    {
        // Arrange: distroless has no Kerberos library; Npgsql 10 would try GSS encryption first and fail to load it.
        await AssembleAsync();
        Assert.Empty(Directory.GetFiles(_root, "libgssapi*", SearchOption.AllDirectories));
        var schema = "rootfs_" + Guid.NewGuid().ToString("N");
        await PostgresServer.AdminAsync($"CREATE SCHEMA {schema}");
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = schema }.ConnectionString;
        try
        {
            await using var api = await AotBot.Testing.FakeBotApi.FakeBotApi.StartAsync();
            var environment = InsideEnvironment(api.Token);
            environment["AOTBOT_Telegram__ApiBaseUrl"] = api.BaseUrl.ToString();
            environment["AOTBOT_Storage__Provider"] = "postgres";
            environment["AOTBOT_Storage__ConnectionString"] = connectionString;
            await using var bot = RunningBinary.Start([], environment, fileName: "unshare", prefixArgs: Inside);
            await api.WaitForCallsAsync("getUpdates", 1, TimeSpan.FromSeconds(30));

            // Act: /start registers the user in the database, then the bot answers.
            api.Enqueue(api.Updates.Text(4242, 4242, "/start"));
            await api.WaitForCallsAsync("sendMessage", 1, TimeSpan.FromSeconds(30));
            var exit = await bot.TerminateAsync();

            // Assert: what the bot wrote from inside is in the database outside; stderr stayed empty.
            Assert.True(exit == 0, bot.Output);
            Assert.Empty(bot.ErrorLines);
            Assert.DoesNotContain(bot.Lines, l => l.Contains("Cannot load library") || l.Contains("GSS", StringComparison.OrdinalIgnoreCase));
            await using var db = new NpgsqlConnection(connectionString);
            await db.OpenAsync();
            await using var users = new NpgsqlCommand("SELECT count(*) FROM users WHERE id = 4242", db);
            Assert.Equal(1L, await users.ExecuteScalarAsync());
        }
        finally
        {
            await PostgresServer.AdminAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

/// <summary>
/// Needs root (chroot, mknod), a mount namespace for the read-only root, and the published binary; all hold under
/// ./build.sh test in CI. A container without CAP_SYS_ADMIN cannot make the namespace: that is said, not failed.
/// </summary>
public sealed class RootAndPublishedBinaryFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> CanUnshareMounts = new(() =>
    {
        try
        {
            using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("unshare", ["-m", "--propagation", "private", "true"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            return probe.WaitForExit(10_000) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public RootAndPublishedBinaryFactAttribute()
    {
        if (PublishedBinary.Directory is null) Skip = "No published binary: run through ./build.sh test";
        else if (Environment.UserName != "root") Skip = "Needs root for chroot, mknod and mount";
        else if (!CanUnshareMounts.Value) Skip = "Needs a mount namespace (unshare -m) for the read-only root";
    }

    /// <summary>An environment variable the test needs too (AOTBOT_TEST_POSTGRES: set by build.sh test).</summary>
    public string? RequiresEnvironment
    {
        get;
        set
        {
            field = value;
            if (Skip is null && value is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(value))) Skip = $"{value} is not set";
        }
    }
}
