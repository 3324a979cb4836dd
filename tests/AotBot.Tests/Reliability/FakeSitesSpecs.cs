using AotBot.Core;
using AotBot.Localization;
using AotBot.Testing.FakeTikTok;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Reliability;

/// <summary>
/// The real bot against the fake TikTok and one more local site, a <see cref="FaultServer"/>: the intranet a hostile
/// link must never reach, or a CDN that misbehaves. Each spec class says how the bot sees that site.
/// </summary>
public abstract class FakeSitesSpecs : IAsyncLifetime
{
    private protected FakeTikTokServer TikTok { get; private set; } = null!;

    private protected FaultServer Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TikTok = await FakeTikTokServer.StartAsync();
        Site = FaultServer.Start();
    }

    public async Task DisposeAsync()
    {
        await TikTok.DisposeAsync();
        await Site.DisposeAsync();
    }

    /// <summary>What every bot of the class is started with, after the fake TikTok's own settings.</summary>
    private protected abstract IEnumerable<string> Settings { get; }

    private protected Task<BotHarness> StartBotAsync(params string[] settings) =>
        BotHarness.StartAsync([.. TikTok.CommandLineArgs(withFallbackApi: false), .. Settings, .. settings]);

    private protected static string Text(BotHarness bot, string key) => bot.Host.Services.GetRequiredService<Localizer>().Text("en", key);
}
