using System.Globalization;
using System.Text.RegularExpressions;
using AotBot.Testing.FakeBotApi;
using Microsoft.Data.Sqlite;

namespace AotBot.Tests.Smoke;

/// <summary>The published binary gives memory back when idle, and answers as before afterwards.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class IdleTrimSmokeSpecs : IAsyncLifetime
{
    private FakeBotApi _api = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _dir = Directory.CreateTempSubdirectory("aotbot-idle-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [PublishedBinaryFact]
    public async Task An_idle_bot_gives_back_most_of_what_start_up_left_resident_and_still_answers()
    {
        // Arrange: a private copy of the shipped files, written through to disk: the kernel reclaims only clean pages
        // no other process maps, and other specs run the published binary at the same time.
        var shipped = Directory.CreateDirectory(Path.Combine(_dir, "app")).FullName;
        foreach (var file in Directory.GetFiles(PublishedBinary.Directory!))
        {
            var copy = Path.Combine(shipped, Path.GetFileName(file));
            await File.WriteAllBytesAsync(copy, await File.ReadAllBytesAsync(file));
            File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
        }
        var synced = await PublishedBinary.RunAsync(["-f", Path.Combine(shipped, "aotbot")], fileName: "sync");
        Assert.Equal(0, synced.ExitCode);
        await using var bot = RunningBinary.Start(
            [
                $"--Telegram:ApiBaseUrl={_api.BaseUrl}",
                $"--Storage:ConnectionString=Data Source={Path.Combine(_dir, "bot.db")}",
                "--Limits:IdleTrimSeconds=2",
                "--Logging:LogLevel:AotBot.Core.IdleTrimmer=Debug",
            ],
            new Dictionary<string, string?> { ["BOT_TOKEN"] = _api.Token }, fileName: Path.Combine(shipped, "aotbot"));

        // Act
        var line = await bot.WaitForLineAsync(l => l.Contains("Idle: memory given back"), TimeSpan.FromSeconds(30));
        _api.Enqueue(_api.Updates.Text(7001, 7001, "/start"));
        var reply = (await _api.WaitForCallsAsync("sendMessage", 1, TimeSpan.FromSeconds(30)))[0];

        // Assert: start-up's pages of the binary (dehydrated data, host building) were most of the idle bot's resident
        // set; the kernel took the advice for all of them, and the bot runs on with what it needs faulted back in
        var trimmed = Trimmed().Match(line);
        Assert.True(trimmed.Success, line);
        var before = long.Parse(trimmed.Groups["before"].Value, CultureInfo.InvariantCulture);
        var after = long.Parse(trimmed.Groups["after"].Value, CultureInfo.InvariantCulture);
        var pagedOut = long.Parse(trimmed.Groups["paged"].Value, CultureInfo.InvariantCulture);
        Assert.True(after <= before * 3 / 4, line);
        Assert.True(pagedOut >= 20, line);
        Assert.Equal(7001, reply.ChatId);
        Assert.Equal(0, await bot.TerminateAsync());
    }

    [GeneratedRegex(@"resident (?<before>\d+) MB -> (?<after>\d+) MB \((?<paged>\d+) MB of shipped files")]
    private static partial Regex Trimmed();
}
