using AotBot.Hosting;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using Telegram.Bot.Types;

namespace AotBot.Tests.Hosting;

/// <summary>
/// Fakes set up the way an operator gets them right (<see cref="AllGoodAsync"/>) or wrong in every way the doctor
/// checks (<see cref="AllBadAsync"/>), with the arguments that run <c>aotbot doctor</c> against them. The smoke test
/// runs the published binary on the same.
/// </summary>
internal sealed class DoctorScenario : IAsyncDisposable
{
    public const long StorageChannel = -1004444444444;
    public const string VideoId = "7350810998023959101";

    private DoctorScenario(FakeBotApi api, FakeTikTokServer tikTok, string folder) => (Api, TikTok, Folder) = (api, tikTok, folder);

    public FakeBotApi Api { get; }
    public FakeTikTokServer TikTok { get; }
    public string Folder { get; }
    public string Database { get; private set; } = "";
    public string Link { get; private set; } = "";

    /// <summary>Secret part of the token: must never be printed.</summary>
    public string TokenSecret => Api.Token[(Api.Token.IndexOf(':') + 1)..];

    public string[] Args => [
        "doctor", Link,
        $"--Telegram:ApiBaseUrl={Api.BaseUrl}",
        $"--Telegram:StorageChannelId={StorageChannel}",
        $"--Storage:ConnectionString=Data Source={Database}",
        .. TikTok.CommandLineArgs(withFallbackApi: false),
    ];

    public Dictionary<string, string?> Environment => new() { ["BOT_TOKEN"] = Api.Token };

    public static async Task<DoctorScenario> AllGoodAsync()
    {
        var scenario = await StartAsync();
        scenario.Api.AddChannel(StorageChannel, "administrator", canPostMessages: true);
        var post = scenario.TikTok.Add(new FakeTikTokPost(VideoId) { DurationSeconds = 75 });
        scenario.Database = Path.Combine(scenario.Folder, "bot.db");
        scenario.Link = post.Link.ToString();
        return scenario;
    }

    public static async Task<DoctorScenario> AllBadAsync()
    {
        var scenario = await StartAsync();
        scenario.Api.CanReadAllGroupMessages = false;
        scenario.Api.SupportsInlineQueries = false;
        scenario.Api.AddChannel(StorageChannel, "member");
        scenario.Api.WebhookUrl = "https://other-deployment.example/telegram/hook";
        var post = scenario.TikTok.Add(new FakeTikTokPost(VideoId) { StatusCode = FakeTikTokStatus.Deleted });
        scenario.Database = Path.Combine(scenario.Folder, "missing-folder", "bot.db");
        scenario.Link = post.Link.ToString();
        return scenario;
    }

    private static async Task<DoctorScenario> StartAsync() =>
        new(await FakeBotApi.StartAsync(), await FakeTikTokServer.StartAsync(), Directory.CreateTempSubdirectory("aotbot-doctor-").FullName);

    public static void AssertAllGood(int exit, string stdout)
    {
        Assert.True(exit == 0, stdout);
        Assert.DoesNotContain("✗", stdout);
        Assert.Contains("✓ token: valid: the bot is @aotbot_test_bot (id 123456789)\n", stdout);
        Assert.Contains("✓ Bot API server: local Bot API server at http://127.0.0.1:", stdout);
        Assert.Contains("✓ webhook: none set, as Telegram:Mode polling needs\n", stdout);
        Assert.Contains("✓ privacy mode: off: the bot sees links in every group\n", stdout);
        Assert.Contains("✓ inline mode: on in @BotFather, with a storage channel\n", stdout);
        Assert.Contains("• inline feedback: cannot be read through the Bot API: check that /setinlinefeedback in @BotFather is Enabled", stdout);
        Assert.Contains($"✓ storage channel: the bot posts to channel 'Channel {StorageChannel}' ({StorageChannel}) as an administrator\n", stdout);
        Assert.Contains("✓ storage: sqlite file ", stdout);
        Assert.Contains($"✓ link: tiktok video {VideoId}, 576x1024, 75 s", stdout);
        Assert.EndsWith("Every configured feature can work.\n", stdout);
    }

    public static void AssertAllBad(int exit, string stdout)
    {
        Assert.True(exit == 1, stdout);
        Assert.Contains("✓ token: valid", stdout);
        Assert.Contains("✗ webhook: set to https://other-deployment.example/telegram/hook while Telegram:Mode is polling", stdout);
        Assert.Contains("✗ privacy mode: on: in a group where the bot is not an admin it sees commands and replies, not links — fix: make the bot an admin of each group, or /setprivacy", stdout);
        Assert.Contains("✗ inline mode: off in @BotFather while Telegram:StorageChannelId is set — fix: /setinline in @BotFather", stdout);
        Assert.Contains($"✗ storage channel: the bot is member in channel {StorageChannel}, not an administrator — fix: add the bot to the channel as an administrator with 'Post messages'", stdout);
        Assert.Contains("✗ storage: sqlite file ", stdout);
        Assert.Contains("missing-folder does not exist — fix: ", stdout);
        Assert.Contains("✗ link: MediaDeletedException: ", stdout);
        Assert.EndsWith("6 checks failed.\n", stdout);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await TikTok.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary><c>aotbot doctor [link]</c>: one line per check with ✓/✗ and the fix, exit 0/1/2, the token never printed.</summary>
public sealed class DoctorSpecs
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(DoctorScenario scenario, params string[] extra)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await Cli.RunAsync([.. scenario.Args, $"--Telegram:Token={scenario.Api.Token}", .. extra], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task I_get_exit_0_and_a_tick_per_check_when_every_setting_is_right()
    {
        // Arrange
        await using var scenario = await DoctorScenario.AllGoodAsync();

        // Act
        var (exit, stdout, stderr) = await RunAsync(scenario);

        // Assert
        DoctorScenario.AssertAllGood(exit, stdout);
        Assert.Contains("does not exist yet; its folder is writable and the bot creates it", stdout);
        Assert.False(File.Exists(scenario.Database));
        Assert.DoesNotContain(scenario.TokenSecret, stdout + stderr);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task I_get_exit_1_and_a_cross_with_the_fix_for_each_wrong_setting()
    {
        // Arrange
        await using var scenario = await DoctorScenario.AllBadAsync();

        // Act
        var (exit, stdout, stderr) = await RunAsync(scenario);

        // Assert
        DoctorScenario.AssertAllBad(exit, stdout);
        Assert.DoesNotContain(scenario.TokenSecret, stdout + stderr);
        // The doctor only reads: the other deployment's webhook is still there.
        Assert.Equal("https://other-deployment.example/telegram/hook", scenario.Api.WebhookUrl);
    }

    [Fact]
    public async Task I_get_a_cross_for_a_token_telegram_refuses_and_no_checks_that_need_it()
    {
        // Arrange
        await using var scenario = await DoctorScenario.AllGoodAsync();
        const string other = "987654321:AAHotherTokenThatTheFakeRefuses_abcdef";

        // Act
        var (exit, stdout, stderr) = await RunAsync(scenario, $"--Telegram:Token={other}");

        // Assert
        Assert.Equal(1, exit);
        Assert.Contains("✗ token: Telegram refused it (401 Unauthorized) — fix: copy the token from @BotFather", stdout);
        Assert.DoesNotContain("privacy mode", stdout);
        Assert.DoesNotContain("storage channel", stdout);
        Assert.Contains("✓ storage: ", stdout);
        Assert.DoesNotContain("AAHotherTokenThatTheFakeRefuses", stdout + stderr);
    }

    [Fact]
    public async Task I_get_exit_2_and_one_line_naming_the_setting_when_the_settings_are_bad()
    {
        // Arrange
        await using var scenario = await DoctorScenario.AllGoodAsync();

        // Act
        var (exit, stdout, stderr) = await RunAsync(scenario, "--Imaging:JpegQuality=500");

        // Assert
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Equal("Imaging:JpegQuality must be between 1 and 100: set AOTBOT_Imaging__JpegQuality\n", stderr);
    }

    [Fact]
    public async Task I_get_the_storage_schema_version_of_an_existing_database()
    {
        // Arrange: a bot ran here before
        await using var scenario = await DoctorScenario.AllGoodAsync();
        await using (var database = new AotBot.Storage.SqliteDatabase($"Data Source={scenario.Database}"))
            await AotBot.Storage.SchemaMigrator.MigrateAsync(database, TimeProvider.System, default);

        // Act
        var (exit, stdout, _) = await RunAsync(scenario);

        // Assert
        Assert.Equal(0, exit);
        Assert.Contains($"✓ storage: sqlite file {scenario.Database} (writable) answers; schema version 6 of 6\n", stdout);
    }

    [Theory]
    [InlineData("https://api.telegram.org", 52_428_800, true, "cloud Bot API: files up to 50 MB; Limits:MaxUploadBytes is 50 MB")]
    [InlineData("https://api.telegram.org", 104_857_600, false, "cloud Bot API: files up to 50 MB; Limits:MaxUploadBytes is 100 MB, more than the server takes")]
    [InlineData("http://10.0.0.5:8081", 2_097_152_000, true, "local Bot API server at http://10.0.0.5:8081: files up to 2000 MB; Limits:MaxUploadBytes is 2000 MB")]
    public void I_see_which_Bot_API_server_the_bot_uses_and_whether_the_upload_limit_fits_it(string url, long maxUpload, bool ok, string detail)
    {
        // Act
        var line = Doctor.ApiServer(url, maxUpload);

        // Assert
        Assert.Equal(ok ? DoctorMark.Ok : DoctorMark.Failed, line.Mark);
        Assert.Equal(detail, line.Detail);
    }

    [Fact]
    public void I_see_groups_switched_off_instead_of_privacy_mode_when_the_bot_cannot_join_groups()
    {
        // Act
        var line = Doctor.Privacy(new User { Id = 1, IsBot = true, FirstName = "b", CanJoinGroups = false, CanReadAllGroupMessages = false });

        // Assert
        Assert.Equal(DoctorMark.Ok, line.Mark);
        Assert.Equal("groups are off for this bot (/setjoingroups in @BotFather)", line.Detail);
    }
}
