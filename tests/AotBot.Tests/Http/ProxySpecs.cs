using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;

namespace AotBot.Tests.Http;

public sealed class ProxySpecs : IDisposable
{
    private readonly string _proxyFile = Path.Combine(Path.GetTempPath(), $"aotbot-proxies-{Guid.NewGuid():N}.txt");

    [Fact]
    public async Task I_can_send_a_request_through_the_configured_proxy()
    {
        // Arrange: the fault server plays the proxy and receives the absolute-form target
        await using var proxy = FaultServer.Start();
        proxy.Map("/p", FaultReply.Text("via proxy"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:AllowPrivateNetworks", "false"), ("Http:Proxy", proxy.BaseUrl.ToString()));

        // Act
        var page = await http.WebClient.GetPageAsync(new Uri("http://www.tiktok.com/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("via proxy", page.Body);
        Assert.Equal("http://www.tiktok.com/p", Assert.Single(proxy.Requests).Target);
    }

    [Fact]
    public async Task I_can_see_jobs_get_proxies_round_robin_and_a_retry_move_to_the_next_proxy()
    {
        // Arrange
        await using var first = FaultServer.Start();
        await using var second = FaultServer.Start();
        first.Map("/p", FaultReply.Code(503));
        second.Map("/p", FaultReply.Text("second"));
        File.WriteAllLines(_proxyFile, ["# proxies", first.BaseUrl.ToString(), "", second.BaseUrl.ToString()]);
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:ProxyFile", _proxyFile));
        var jobOne = DownloadContext.Plain();
        var jobTwo = DownloadContext.Plain();

        // Act: jobs one and three start on the first proxy (503) and retry on the second; job two starts on the second
        var one = await http.WebClient.GetPageAsync(new Uri("http://www.tiktok.com/p"), jobOne, CancellationToken.None);
        var two = await http.WebClient.GetPageAsync(new Uri("http://www.tiktok.com/p"), jobTwo, CancellationToken.None);
        var three = await http.WebClient.GetPageAsync(new Uri("http://www.tiktok.com/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("second", one.Body);
        Assert.Equal("second", two.Body);
        Assert.Equal("second", three.Body);
        Assert.Equal(2, first.Requests.Count);
        Assert.Equal(3, second.Requests.Count);
        Assert.Equal(2, logs.RetryDelays.Count);
    }

    [Fact]
    public async Task I_can_keep_one_proxy_for_all_requests_of_a_job()
    {
        // Arrange
        File.WriteAllLines(_proxyFile, ["http://p1.example:8080", "socks5://user:pw@p2.example:1080", "http://p3.example:3128"]);
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:ProxyFile", _proxyFile));
        var pool = http.Get<ProxyPool>();
        var jobs = Enumerable.Range(0, 4).Select(_ => DownloadContext.Plain()).ToList();

        // Act
        var firstAttempts = jobs.Select(j => pool.For(j, 1)!.Host).ToList();
        var again = jobs.Select(j => pool.For(j, 1)!.Host).ToList();
        var retries = new[] { pool.For(jobs[0], 2)!.Host, pool.For(jobs[0], 3)!.Host, pool.For(jobs[0], 4)!.Host };
        var explicitProxy = pool.For(jobs[0] with { Proxy = new Uri("http://mine.example:1") }, 1)!.Host;

        // Assert
        Assert.Equal(["p1.example", "p2.example", "p3.example", "p1.example"], firstAttempts);
        Assert.Equal(firstAttempts, again);
        Assert.Equal(["p2.example", "p3.example", "p1.example"], retries);
        Assert.Equal("mine.example", explicitProxy);
    }

    public void Dispose() => File.Delete(_proxyFile);
}
