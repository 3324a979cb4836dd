using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Testing.FakeTikTok;

/// <summary>A bare Kestrel on 127.0.0.1 with a free port and one request handler: the base of the fake sites.</summary>
internal sealed class LocalKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalKestrel(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The physical address, <c>http://127.0.0.1:&lt;port&gt;</c> (no trailing slash).</summary>
    public Uri BaseUrl { get; }

    public static async Task<LocalKestrel> StartAsync(RequestDelegate handler, CancellationToken cancellationToken = default)
    {
        // The empty builder reads no appsettings.json or environment: the fake behaves the same on every machine.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalKestrel(app, new Uri(address.TrimEnd('/')));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
