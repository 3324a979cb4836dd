using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Telegram;

/// <summary>Specs of the bot end to end against a fake TikTok server that each test fills with posts.</summary>
public abstract class TikTokBotSpecs : IAsyncLifetime
{
    protected FakeTikTokServer TikTok { get; private set; } = null!;

    public async Task InitializeAsync() => TikTok = await FakeTikTokServer.StartAsync();

    public async Task DisposeAsync() => await TikTok.DisposeAsync();

    /// <summary>The real host pointed at the fake Bot API and, by host overrides, at the fake TikTok.</summary>
    private protected Task<BotHarness> StartBotAsync(params string[] settings) =>
        BotHarness.StartAsync([.. TikTok.CommandLineArgs(withFallbackApi: false), .. settings]);
}
