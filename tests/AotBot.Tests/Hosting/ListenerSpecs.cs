using System.Net;
using System.Net.Sockets;
using System.Text;
using AotBot.Core;
using AotBot.Hosting;
using AotBot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Hosting;

public sealed class ListenerSpecs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    private static readonly IPEndPoint s_anyLoopbackPort = new(IPAddress.Loopback, 0);

    /// <summary>The listener as the bot registers it (AddListener), on 127.0.0.1 port 0, with the given checks.</summary>
    private static async Task<(IHost Host, Uri Base)> StartListenerAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("Http:Listen", "http://127.0.0.1:0")]);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpLayer();
        builder.Services.AddListener();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        var endPoint = host.Services.GetRequiredService<ListenerService>().LocalEndPoint!;
        return (host, new Uri($"http://127.0.0.1:{endPoint.Port}"));
    }

    /// <summary>The server alone, answering with the length of the body it received.</summary>
    private static MiniHttpServer StartEchoServer(ServerLimits? limits = null, TimeProvider? time = null,
        Func<ListenerRequest, CancellationToken, ValueTask<ListenerResponse>>? handler = null) =>
        MiniHttpServer.Start(s_anyLoopbackPort,
            handler ?? ((request, _) => ValueTask.FromResult(ListenerResponse.Text(200, $"{request.Method} {request.Path} {request.Body.Length}"))),
            limits ?? new ServerLimits(), time ?? TimeProvider.System, NullLogger.Instance);

    private sealed class FixedCheck(string name, bool ready, string detail) : IReadinessCheck
    {
        public string Name => name;

        public ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new ReadinessResult(ready, detail));
    }

    private sealed class SilentCheck : IReadinessCheck
    {
        public string Name => "silent";

        public async ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
            return ReadinessResult.Ready();
        }
    }

    /// <summary>Advances fake time a second at a time until <paramref name="done"/> completes (the server arms its
    /// timers on real threads, so one big jump could land before a timer exists).</summary>
    private static async Task<T> AdvanceUntilAsync<T>(FakeTimeProvider time, Task<T> done)
    {
        for (var i = 0; i < 300 && !done.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(done, Task.Delay(10));
        }
        return await done;
    }

    [Fact]
    public async Task I_can_ask_healthz_and_get_200_while_the_process_is_up()
    {
        // Arrange
        var (host, baseUrl) = await StartListenerAsync();
        using var _ = host;
        using var client = new HttpClient { BaseAddress = baseUrl };

        // Act
        using var response = await client.GetAsync("/healthz");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        await host.StopAsync();
    }

    [Fact]
    public async Task I_can_ask_readyz_and_get_200_with_one_line_per_check_when_all_pass()
    {
        // Arrange
        var (host, baseUrl) = await StartListenerAsync(services =>
        {
            services.AddSingleton<IReadinessCheck>(new FixedCheck("storage", true, "ok"));
            services.AddSingleton<IReadinessCheck>(new FixedCheck("telegram", true, "last Bot API call 3 s ago"));
        });
        using var _ = host;
        using var client = new HttpClient { BaseAddress = baseUrl };

        // Act
        using var response = await client.GetAsync("/readyz");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("storage: ok\ntelegram: last Bot API call 3 s ago\n", await response.Content.ReadAsStringAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task I_get_503_from_readyz_with_the_reason_of_the_failing_check()
    {
        // Arrange
        var (host, baseUrl) = await StartListenerAsync(services =>
        {
            services.AddSingleton<IReadinessCheck>(new FixedCheck("conversion", false, "queue full (40 of 40)"));
            services.AddSingleton<IReadinessCheck>(new FixedCheck("storage", true, "ok"));
        });
        using var _ = host;
        using var client = new HttpClient { BaseAddress = baseUrl };

        // Act
        using var response = await client.GetAsync("/readyz");

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("conversion: not ready: queue full (40 of 40)\nstorage: ok\n", await response.Content.ReadAsStringAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task A_readiness_check_that_does_not_answer_in_time_counts_as_not_ready()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var readiness = new Readiness([new SilentCheck(), new FixedCheck("storage", true, "ok")], time);

        // Act
        var evaluation = readiness.EvaluateAsync(CancellationToken.None);
        var (ready, report) = await AdvanceUntilAsync(time, evaluation);

        // Assert
        Assert.False(ready);
        Assert.Equal("silent: not ready: no answer within 2 s\nstorage: ok\n", report);
    }

    [Fact]
    public async Task I_can_scrape_metrics_in_the_Prometheus_text_format()
    {
        // Arrange
        var (host, baseUrl) = await StartListenerAsync();
        using var _ = host;
        var metrics = host.Services.GetRequiredService<BotMetrics>();
        metrics.UpdateReceived();
        metrics.UpdateReceived();
        metrics.JobFinished("video", "ok");
        metrics.Downloaded(1500);
        using var client = new HttpClient { BaseAddress = baseUrl };

        // Act
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE aotbot_updates_received_total counter\naotbot_updates_received_total 2\n", text);
        Assert.Contains("aotbot_jobs_total{kind=\"video\",outcome=\"ok\"} 1\n", text);
        Assert.Contains("aotbot_download_bytes_total 1500\n", text);
        Assert.Matches(@"\nprocess_resident_memory_bytes [1-9][0-9]*\n", text);
        await host.StopAsync();
    }

    [Fact]
    public void I_can_render_counters_gauges_and_a_histogram_with_escaped_labels()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var metrics = new BotMetrics(time);
        metrics.JobFinished("slideshow", "error_deleted");
        metrics.JobFinished("slideshow", "error_deleted");
        metrics.JobFinished("music", "quote\" back\\slash\nnewline");
        metrics.SetQueueDepth("jobs", 3);
        var conversions = 7L;
        metrics.ObserveQueueDepth("conversion", () => conversions);
        metrics.ConversionFinished(TimeSpan.FromMilliseconds(80));
        metrics.ConversionFinished(TimeSpan.FromSeconds(1.5));
        metrics.ConversionFinished(TimeSpan.FromSeconds(100));
        metrics.TelegramRateLimited("sendVideo");
        metrics.CacheLookup(hit: true);
        metrics.CacheLookup(hit: false);
        metrics.CacheLookup(hit: true);
        conversions = 9;
        time.Advance(TimeSpan.FromSeconds(42));

        // Act
        var text = metrics.Render();

        // Assert
        Assert.Contains("aotbot_jobs_total{kind=\"music\",outcome=\"quote\\\" back\\\\slash\\nnewline\"} 1\n"
            + "aotbot_jobs_total{kind=\"slideshow\",outcome=\"error_deleted\"} 2\n", text);
        Assert.Contains("# TYPE aotbot_queue_depth gauge\naotbot_queue_depth{queue=\"conversion\"} 9\naotbot_queue_depth{queue=\"jobs\"} 3\n", text);
        Assert.Contains("# TYPE aotbot_conversion_seconds histogram\n"
            + "aotbot_conversion_seconds_bucket{le=\"0.05\"} 0\n"
            + "aotbot_conversion_seconds_bucket{le=\"0.1\"} 1\n"
            + "aotbot_conversion_seconds_bucket{le=\"0.25\"} 1\n"
            + "aotbot_conversion_seconds_bucket{le=\"0.5\"} 1\n"
            + "aotbot_conversion_seconds_bucket{le=\"1\"} 1\n"
            + "aotbot_conversion_seconds_bucket{le=\"2\"} 2\n"
            + "aotbot_conversion_seconds_bucket{le=\"4\"} 2\n"
            + "aotbot_conversion_seconds_bucket{le=\"8\"} 2\n"
            + "aotbot_conversion_seconds_bucket{le=\"16\"} 2\n"
            + "aotbot_conversion_seconds_bucket{le=\"32\"} 2\n"
            + "aotbot_conversion_seconds_bucket{le=\"+Inf\"} 3\n"
            + "aotbot_conversion_seconds_sum 101.58\n"
            + "aotbot_conversion_seconds_count 3\n", text);
        Assert.Contains("aotbot_telegram_rate_limited_total{method=\"sendVideo\"} 1\n", text);
        Assert.Contains("aotbot_cache_lookups_total{result=\"hit\"} 2\naotbot_cache_lookups_total{result=\"miss\"} 1\n", text);
        Assert.Contains("aotbot_updates_failed_total 0\n", text);
        Assert.Contains("aotbot_uptime_seconds 42\n", text);
        // Every line is a comment or "name{labels} value": nothing a Prometheus parser would reject.
        Assert.All(text.TrimEnd('\n').Split('\n'), line => Assert.Matches(@"^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{.*\})? [-+0-9.eEInf]+)$", line));
    }

    [Fact]
    public async Task I_get_404_for_an_unknown_path_and_405_with_Allow_for_a_wrong_method()
    {
        // Arrange
        var (host, baseUrl) = await StartListenerAsync();
        using var _ = host;
        using var client = new HttpClient { BaseAddress = baseUrl };

        // Act
        using var unknown = await client.GetAsync("/admin");
        using var post = await client.PostAsync("/healthz", new StringContent("x"));
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", post.Content.Headers.Allow));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task I_get_413_for_a_body_over_1_MB_and_the_server_does_not_wait_for_it()
    {
        // Arrange
        await using var server = StartEchoServer();
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act: announce 1 MB + 1 byte and send none of it.
        await connection.SendAsync("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        // Assert
        Assert.Equal(413, response!.Status);
        Assert.Equal("close", response.Headers["Connection"]);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task I_can_post_a_body_of_exactly_1_MB_and_a_client_sending_more_gets_413()
    {
        // Arrange
        await using var server = StartEchoServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.LocalEndPoint.Port}") };

        // Act
        using var atLimit = await client.PostAsync("/hook", new ByteArrayContent(new byte[1024 * 1024]));
        using var overLimit = await client.PostAsync("/hook", new ByteArrayContent(new byte[1024 * 1024 + 1]));

        // Assert
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal("POST /hook 1048576", await atLimit.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLimit.StatusCode);
    }

    [Fact]
    public async Task A_slow_partial_request_does_not_block_others_and_is_cut_off_with_408()
    {
        // Arrange
        var time = new FakeTimeProvider();
        await using var server = StartEchoServer(time: time);
        await using var slow = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        await slow.SendAsync("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Le");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.LocalEndPoint.Port}") };

        // Act
        var others = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.GetStringAsync("/healthz")));
        var cutOff = await AdvanceUntilAsync(time, slow.ReadResponseAsync());

        // Assert
        Assert.All(others, body => Assert.Equal("GET /healthz 0", body));
        Assert.Equal(408, cutOff!.Status);
        Assert.True(await slow.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_cut_off_with_408()
    {
        // Arrange
        var time = new FakeTimeProvider();
        await using var server = StartEchoServer(time: time);
        await using var slow = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act: 10 of 100 announced bytes, then nothing.
        await slow.SendAsync("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
        var cutOff = await AdvanceUntilAsync(time, slow.ReadResponseAsync());

        // Assert
        Assert.Equal(408, cutOff!.Status);
        Assert.True(time.GetUtcNow() - time.Start >= new ServerLimits().RequestTimeout);
    }

    [Fact]
    public async Task I_can_send_several_requests_on_one_kept_alive_connection_and_pipeline_them()
    {
        // Arrange
        await using var server = StartEchoServer();
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        var first = await connection.ReadResponseAsync();
        await connection.SendAsync("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var second = await connection.ReadResponseAsync();
        var third = await connection.ReadResponseAsync();
        var fourth = await connection.ReadResponseAsync();

        // Assert
        Assert.Equal(["GET /a 0", "POST /b 3", "GET /c 0", "GET /d 0"], [first!.Body, second!.Body, third!.Body, fourth!.Body]);
        Assert.False(first.Headers.ContainsKey("Connection"));
        Assert.Equal("close", fourth.Headers["Connection"]);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_keep_alive_timeout()
    {
        // Arrange
        var time = new FakeTimeProvider();
        await using var server = StartEchoServer(time: time);
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync())!.Status);

        // Act
        var closed = await AdvanceUntilAsync(time, connection.ReadResponseAsync());

        // Assert
        Assert.Null(closed);
        Assert.True(time.GetUtcNow() - time.Start >= new ServerLimits().KeepAliveTimeout);
    }

    [Fact]
    public async Task A_connection_that_asks_nothing_is_closed_after_the_request_timeout()
    {
        // Arrange
        var time = new FakeTimeProvider();
        await using var server = StartEchoServer(time: time);
        await using var silent = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act
        var closed = await AdvanceUntilAsync(time, silent.ReadResponseAsync());

        // Assert
        Assert.Null(closed);
        Assert.InRange(time.GetUtcNow() - time.Start, new ServerLimits().RequestTimeout, new ServerLimits().KeepAliveTimeout - TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411)]
    [InlineData("GET /a HTTP/2.0\r\nHost: x\r\n\r\n", 505)]
    [InlineData("GET http://example.com/ HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("GET /a HTTP/1.1\r\nHost : x\r\n\r\n", 400)]
    [InlineData("GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400)]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400)]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400)]
    [InlineData("garbage\r\n\r\n", 400)]
    public async Task I_get_an_error_status_and_a_closed_connection_for_a_request_the_server_does_not_take(string request, int status)
    {
        // Arrange
        await using var server = StartEchoServer();
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act
        await connection.SendAsync(request);
        var response = await connection.ReadResponseAsync();

        // Assert
        Assert.Equal(status, response!.Status);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task I_get_431_for_headers_over_the_limit()
    {
        // Arrange
        await using var server = StartEchoServer(new ServerLimits { MaxHeaderBytes = 1024, MaxHeaderCount = 4 });
        await using var big = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        await using var many = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act
        await big.SendAsync($"GET /a HTTP/1.1\r\nHost: x\r\nCookie: {new string('c', 2000)}\r\n\r\n");
        await many.SendAsync("GET /a HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n");

        // Assert
        Assert.Equal(431, (await big.ReadResponseAsync())!.Status);
        Assert.Equal(431, (await many.ReadResponseAsync())!.Status);
    }

    [Fact]
    public async Task I_get_100_continue_before_sending_the_body_when_I_ask_for_it()
    {
        // Arrange
        await using var server = StartEchoServer();
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act
        await connection.SendAsync("POST /hook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var interim = await connection.ReadResponseAsync();
        await connection.SendAsync("hello");
        var final = await connection.ReadResponseAsync();

        // Assert
        Assert.Equal(100, interim!.Status);
        Assert.Equal("POST /hook 5", final!.Body);
    }

    [Fact]
    public async Task I_get_503_on_a_connection_over_the_limit_and_service_again_once_one_closes()
    {
        // Arrange
        await using var server = StartEchoServer(new ServerLimits { MaxConnections = 2 });
        var first = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        await using var second = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        for (var i = 0; i < 500 && server.OpenConnections < 2; i++) await Task.Delay(10);

        // Act
        await using var third = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        var refused = await third.ReadResponseAsync();
        await first.DisposeAsync();
        for (var i = 0; i < 500 && server.OpenConnections > 1; i++) await Task.Delay(10);
        await using var fourth = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        await fourth.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        var served = await fourth.ReadResponseAsync();

        // Assert
        Assert.Equal(503, refused!.Status);
        Assert.Equal(200, served!.Status);
    }

    [Fact]
    public async Task A_failing_endpoint_gets_500_and_the_connection_serves_the_next_request()
    {
        // Arrange
        await using var server = StartEchoServer(handler: (request, _) => request.Path == "/boom"
            ? throw new InvalidOperationException("boom")
            : ValueTask.FromResult(ListenerResponse.Text(200, "fine")));
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);

        // Act
        await connection.SendAsync("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        var failed = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        var next = await connection.ReadResponseAsync();

        // Assert
        Assert.Equal(500, failed!.Status);
        Assert.Equal("fine", next!.Body);
    }

    [Fact]
    public async Task Stopping_the_server_closes_idle_kept_alive_connections()
    {
        // Arrange
        var server = StartEchoServer();
        await using var connection = await RawHttpConnection.OpenAsync(server.LocalEndPoint);
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        await connection.ReadResponseAsync();

        // Act
        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.True(await connection.IsClosedByServerAsync());
        Assert.Equal(0, server.OpenConnections);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "0.0.0.0:8080", "http://127.0.0.1:8080/healthz")]
    [InlineData("http://+:8080/", "0.0.0.0:8080", "http://127.0.0.1:8080/healthz")]
    [InlineData("http://[::]:9090", "[::]:9090", "http://[::1]:9090/healthz")]
    [InlineData("http://localhost:81", "127.0.0.1:81", "http://127.0.0.1:81/healthz")]
    [InlineData("http://10.1.2.3:8080", "10.1.2.3:8080", "http://10.1.2.3:8080/healthz")]
    public void I_can_give_Http_Listen_as_an_address_and_port(string listen, string endPoint, string probe)
    {
        // Act
        var parsed = ListenAddress.Parse(listen);

        // Assert
        Assert.Equal(endPoint, parsed!.ToString());
        Assert.Equal(probe, ListenAddress.ProbeUrl(listen, "/healthz")!.ToString());
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443")]
    [InlineData("http://0.0.0.0")]
    [InlineData("http://0.0.0.0:99999")]
    [InlineData("http://bot.example.com:8080")]
    [InlineData("http://0.0.0.0:8080/hooks")]
    [InlineData("0.0.0.0:8080")]
    public async Task I_get_exit_code_2_and_one_line_for_a_malformed_Http_Listen(string listen)
    {
        // Arrange
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // Act
        var exit = await Cli.RunAsync(["check-config", $"--Telegram:Token={ValidToken}", $"--Http:Listen={listen}"], stdout, stderr);

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal("Http:Listen must be http://<IP address or localhost>:<port>, e.g. http://0.0.0.0:8080: set AOTBOT_Http__Listen",
            stderr.ToString().Trim());
    }

    [Fact]
    public async Task I_get_exit_code_2_and_one_line_when_Http_Listen_is_taken()
    {
        // Arrange
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(s_anyLoopbackPort);
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var stderr = new StringWriter();

        // Act
        var exit = await Cli.RunAsync([$"--Telegram:Token={ValidToken}", $"--Http:Listen=http://127.0.0.1:{port}",
            "--Telegram:ApiBaseUrl=http://127.0.0.1:9"], TextWriter.Null, stderr);

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal($"Http:Listen http://127.0.0.1:{port} cannot be bound (AddressAlreadyInUse): set AOTBOT_Http__Listen", stderr.ToString().Trim());
    }

    [Fact]
    public async Task I_can_run_aotbot_healthcheck_against_the_listener_and_get_0_when_it_answers_and_1_when_it_is_gone()
    {
        // Arrange
        var (host, baseUrl) = await StartListenerAsync();
        string[] args = ["healthcheck", $"--Telegram:Token={ValidToken}", $"--Http:Listen=http://0.0.0.0:{baseUrl.Port}"];
        var upOut = new StringWriter();
        var downErr = new StringWriter();

        // Act
        var up = await Cli.RunAsync(args, upOut, TextWriter.Null);
        await host.StopAsync();
        host.Dispose();
        var down = await Cli.RunAsync(args, TextWriter.Null, downErr);

        // Assert
        Assert.Equal(0, up);
        Assert.Equal($"http://127.0.0.1:{baseUrl.Port}/healthz: 200", upOut.ToString().Trim());
        Assert.Equal(1, down);
        Assert.Equal($"http://127.0.0.1:{baseUrl.Port}/healthz: unreachable (HttpRequestException)", downErr.ToString().Trim());
    }

    [Fact]
    public async Task I_get_healthcheck_exit_code_0_without_a_listener_and_2_for_a_bad_configuration()
    {
        // Act
        var output = new StringWriter();
        var noListener = await Cli.RunAsync(["healthcheck", $"--Telegram:Token={ValidToken}"], output, TextWriter.Null);
        var badConfiguration = await Cli.RunAsync(["healthcheck", "--Telegram:Token=", "--Http:Listen=http://127.0.0.1:1"], TextWriter.Null, TextWriter.Null);

        // Assert
        Assert.Equal(0, noListener);
        Assert.Equal("healthy (configuration valid; no Http:Listen endpoint to ask)", output.ToString().Trim());
        Assert.Equal(2, badConfiguration);
    }
}
