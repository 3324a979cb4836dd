using AotBot.Core;
using AotBot.Hosting;
using AotBot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AotBot.Testing.FaultServer;

/// <summary>
/// The real HTTP layer (<c>AddHttpLayer</c>) in a small container of its own, for tests and bench/: settings as
/// key/value pairs, an optional <see cref="TimeProvider"/> (FakeTimeProvider) and log provider.
/// </summary>
public sealed class HttpLayerHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public HttpLayerHost(IEnumerable<KeyValuePair<string, string?>> settings, TimeProvider? time = null, ILoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null) logging.AddProvider(logs);
        });
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section);
        services.AddHttpLayer();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public IWebClient WebClient => _services.GetRequiredService<IWebClient>();

    public IMediaDownloader Downloader => _services.GetRequiredService<IMediaDownloader>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
