using AotBot.Hosting;
using AotBot.Http;
using AotBot.Sources;
using AotBot.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Sources;

/// <summary>
/// The bot's real host (<see cref="AotBotHost.CreateBuilder"/>: HTTP layer, sources, options) pointed at fake servers,
/// with fake time that jumps over retry pauses and captured log lines.
/// </summary>
internal sealed class SourcesTestHost : IDisposable
{
    private readonly IHost _host;

    public SourcesTestHost(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Logs = new RecordingLogs { AdvanceOnRetry = time };
        var builder = AotBotHost.CreateBuilder([.. settings.Select(setting => $"--{setting.Key}={setting.Value}")], Stream.Null);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Logging.AddProvider(Logs);
        _host = builder.Build();
    }

    public RecordingLogs Logs { get; }

    public MediaSources Sources => Get<MediaSources>();

    public LinkFinder Links => Get<LinkFinder>();

    public IMediaDownloader Downloader => Get<IMediaDownloader>();

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public Task<MediaPost> ExtractAsync(string link) => Sources.ExtractAsync(new Uri(link), CancellationToken.None);

    public static IEnumerable<KeyValuePair<string, string?>> With(IEnumerable<KeyValuePair<string, string?>> settings, params (string Key, string Value)[] more) =>
        settings.Concat(more.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));

    public void Dispose() => _host.Dispose();
}
