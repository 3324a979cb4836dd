using System.Net;
using System.Text;
using AotBot.Core;
using AotBot.Hosting;
using AotBot.Telegram;
using AotBot.Testing.FakeBotApi;
using AotBot.Tests.Hosting;
using AotBot.Tests.Smoke;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

public sealed class WebhookSpecs
{
    private const string Secret = "s3cret_Token-1";
    private const string HookPath = "/telegram/hook";
    private const string HookUrl = "https://bot.example.com" + HookPath;
    private const long User = 4301;

    /// <summary>The real host in webhook mode (<see cref="BotHarness"/>), its listener on 127.0.0.1 port 0.</summary>
    private sealed class WebhookBot : IAsyncDisposable
    {
        private readonly BotHarness _bot;

        private WebhookBot(BotHarness bot)
        {
            _bot = bot;
            var port = bot.Host.Services.GetRequiredService<ListenerService>().LocalEndPoint!.Port;
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            // A connection per request: a test that moves fake time lets the listener close idle kept-alive connections
            // at the very moment the client would reuse one.
            Client.DefaultRequestHeaders.ConnectionClose = true;
        }

        public FakeBotApi Api => _bot.Api;
        public IHost Host => _bot.Host;
        public HttpClient Client { get; }

        public static async Task<WebhookBot> StartAsync(Action<IServiceCollection>? services = null) =>
            new(await BotHarness.StartAsync(
                ["--Telegram:Mode=webhook", $"--Telegram:WebhookUrl={HookUrl}", $"--Telegram:WebhookSecret={Secret}",
                    "--Http:Listen=http://127.0.0.1:0"],
                services, startedWhen: "setWebhook"));

        /// <summary>Posts an update body (from <see cref="FakeUpdates"/>) with an update_id, as Telegram would.</summary>
        public Task<HttpResponseMessage> PostUpdateAsync(long updateId, string body, string? secret = Secret, string path = HookPath) =>
            PostAsync($"{{\"update_id\":{updateId}," + body.Trim()[1..], secret, path);

        public async Task<HttpResponseMessage> PostAsync(string json, string? secret = Secret, string path = HookPath)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (secret is not null) request.Headers.Add(WebhookReceiver.SecretHeader, secret);
            return await Client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _bot.DisposeAsync();
        }
    }

    [Fact]
    public async Task I_can_run_in_webhook_mode_and_the_bot_calls_setWebhook_with_the_secret_and_allowed_updates()
    {
        // Arrange
        await using var bot = await WebhookBot.StartAsync();

        // Act
        var call = Assert.Single(bot.Api.CallsTo("setWebhook"));

        // Assert
        Assert.Equal(HookUrl, call["url"]);
        Assert.Equal(Secret, call["secret_token"]);
        Assert.Equal(["message", "callback_query", "inline_query", "chosen_inline_result", "my_chat_member"],
            call.Json("allowed_updates").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, call.Int("max_connections"));
        Assert.Empty(bot.Api.CallsTo("getUpdates"));
        Assert.Empty(bot.Api.CallsTo("deleteWebhook"));
    }

    [Fact]
    public async Task I_can_post_an_update_with_the_secret_and_get_200_and_the_bot_answers_it()
    {
        // Arrange
        await using var bot = await WebhookBot.StartAsync();
        var texts = bot.Host.Services.GetRequiredService<AotBot.Localization.Localizer>();

        // Act
        using var response = await bot.PostUpdateAsync(7001, bot.Api.Updates.Text(User, User, "/start", languageCode: "uk"));
        var reply = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(User, reply.ChatId);
        Assert.Equal(texts.Text("uk", "start"), reply["text"]);
        Assert.Contains("\naotbot_updates_received_total 1\n", bot.Host.Services.GetRequiredService<BotMetrics>().Render());
    }

    [Fact]
    public async Task I_get_401_without_the_secret_and_403_with_a_wrong_one_and_those_updates_are_not_handled()
    {
        // Arrange
        await using var bot = await WebhookBot.StartAsync();

        // Act
        using var missing = await bot.PostUpdateAsync(7101, bot.Api.Updates.Text(1, 1, "/start"), secret: null);
        using var wrong = await bot.PostUpdateAsync(7102, bot.Api.Updates.Text(2, 2, "/start"), secret: Secret + "x");
        using var prefix = await bot.PostUpdateAsync(7103, bot.Api.Updates.Text(3, 3, "/start"), secret: Secret[..^1]);
        using var right = await bot.PostUpdateAsync(7104, bot.Api.Updates.Text(4, 4, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        await Task.Delay(200);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, prefix.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal([4L], bot.Api.CallsTo("sendMessage").Select(c => c.ChatId!.Value));
        var metrics = bot.Host.Services.GetRequiredService<BotMetrics>().Render();
        Assert.Contains("aotbot_webhook_rejected_total{reason=\"wrong-secret\"} 2\n", metrics);
        Assert.Contains("aotbot_webhook_rejected_total{reason=\"missing-secret\"} 1\n", metrics);
    }

    [Fact]
    public async Task A_post_without_the_right_secret_is_refused_from_its_headers_before_any_body_byte_is_read()
    {
        // Arrange: bodies of up to 1 MB are buffered, 64 connections at once; without the secret none may be
        await using var bot = await WebhookBot.StartAsync();
        var endPoint = bot.Host.Services.GetRequiredService<ListenerService>().LocalEndPoint!;
        await using var wrong = await RawHttpConnection.OpenAsync(endPoint);
        await using var missing = await RawHttpConnection.OpenAsync(endPoint);
        await using var right = await RawHttpConnection.OpenAsync(endPoint);

        // Act: each announces a megabyte and sends none of it
        const string Head = "POST " + HookPath + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n";
        await wrong.SendAsync(Head + WebhookReceiver.SecretHeader + ": " + Secret + "x\r\n\r\n");
        await missing.SendAsync(Head + "\r\n");
        await right.SendAsync(Head + WebhookReceiver.SecretHeader + ": " + Secret + "\r\n\r\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var wrongAnswer = await wrong.ReadResponseAsync(timeout.Token);
        var missingAnswer = await missing.ReadResponseAsync(timeout.Token);
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var rightAnswered = await Task.WhenAny(right.ReadResponseAsync(shortWait.Token)) is { IsCompletedSuccessfully: true, Result: not null };

        // Assert: refused at once and closed; the caller with the secret is still being read (its body is awaited)
        Assert.Equal(403, wrongAnswer!.Status);
        Assert.Equal(401, missingAnswer!.Status);
        Assert.Equal("close", wrongAnswer.Headers["Connection"]);
        Assert.True(await wrong.IsClosedByServerAsync());
        Assert.False(rightAnswered);
    }

    [Fact]
    public async Task I_get_413_for_a_body_over_1_MB_404_for_another_path_405_for_GET_and_400_for_what_is_not_an_update()
    {
        // Arrange
        await using var bot = await WebhookBot.StartAsync();
        var huge = "{\"update_id\":1,\"padding\":\"" + new string('a', 1024 * 1024) + "\"}";

        // Act
        using var tooLarge = await bot.PostAsync(huge);
        using var otherPath = await bot.PostUpdateAsync(7201, bot.Api.Updates.Text(User, User, "/start"), path: "/telegram/other");
        using var get = await bot.Client.GetAsync(HookPath);
        using var notJson = await bot.PostAsync("{not json");
        using var noId = await bot.PostAsync("{\"message\":{}}");

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("POST", string.Join(",", get.Content.Headers.Allow));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
    }

    [Fact]
    public async Task An_update_the_library_cannot_read_is_answered_200_and_does_not_stall_the_next()
    {
        // Arrange
        await using var bot = await WebhookBot.StartAsync();

        // Act
        using var unreadable = await bot.PostUpdateAsync(7301, bot.Api.Updates.UnknownPolymorphicType(User, User));
        using var next = await bot.PostUpdateAsync(7302, bot.Api.Updates.Text(User, User, "/start"));
        var reply = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];

        // Assert
        Assert.Equal(HttpStatusCode.OK, unreadable.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(User, reply.ChatId);
    }

    [Fact]
    public async Task The_same_update_posted_twice_is_handled_once()
    {
        // Arrange
        await using var bot = await WebhookBot.StartAsync();
        var body = bot.Api.Updates.Text(User, User, "/start");

        // Act
        using var first = await bot.PostUpdateAsync(7401, body);
        using var again = await bot.PostUpdateAsync(7401, body);
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        await Task.Delay(200);

        // Assert
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(bot.Api.CallsTo("sendMessage"));
    }

    [Fact]
    public async Task I_get_503_for_an_update_while_the_bot_is_not_taking_any()
    {
        // Arrange: built, not started, so no receiver runs.
        var api = await FakeBotApi.StartAsync();
        await using var _ = api;
        using var host = AotBotHost.CreateBuilder([$"--Telegram:Token={api.Token}", $"--Telegram:ApiBaseUrl={api.BaseUrl}",
            "--Telegram:Mode=webhook", $"--Telegram:WebhookUrl={HookUrl}", $"--Telegram:WebhookSecret={Secret}",
            "--Http:Listen=http://127.0.0.1:0"], Stream.Null).Build();
        var receiver = host.Services.GetRequiredService<WebhookReceiver>();
        var body = Encoding.UTF8.GetBytes("{\"update_id\":7501," + api.Updates.Text(User, User, "/start")[1..]);

        // Act
        var response = await receiver.HandleAsync(
            new ListenerRequest("POST", HookPath, [new(WebhookReceiver.SecretHeader, Secret)], body), CancellationToken.None);

        // Assert
        Assert.Equal(503, response.Status);
        Assert.Equal(HookPath, receiver.Path);
    }

    [Fact]
    public async Task I_can_see_telegram_in_readyz_and_an_idle_bot_checks_with_getMe_once_the_last_answer_is_old()
    {
        // Arrange
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bot = await WebhookBot.StartAsync(services: s => s.AddSingleton<TimeProvider>(time));
        var getMeCalls = bot.Api.CallsTo("getMe").Count;

        // Act
        var fresh = await bot.Client.GetStringAsync("/readyz");
        time.Advance(TimeSpan.FromMinutes(3));
        bot.Api.FailNext("getMe", BotApiFault.BadGateway(), times: 2);
        using var stale = await bot.Client.GetAsync("/readyz");
        var soonAgain = await bot.Client.GetAsync("/readyz");
        var probes = bot.Api.CallsTo("getMe").Count - getMeCalls;
        time.Advance(TelegramReadinessCheck.ProbeInterval);
        using var stillFailing = await bot.Client.GetAsync("/readyz");
        time.Advance(TelegramReadinessCheck.ProbeInterval);
        using var recovered = await bot.Client.GetAsync("/readyz");

        // Assert
        Assert.Contains("telegram: Bot API answered 0 s ago\n", fresh);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
        Assert.Contains("telegram: not ready: no Bot API answer for 180 s; getMe failed (", await stale.Content.ReadAsStringAsync());
        Assert.Contains("telegram: not ready: no Bot API answer for 180 s\n", await soonAgain.Content.ReadAsStringAsync());
        Assert.Equal(1, probes);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillFailing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Contains("telegram: Bot API answered 0 s ago\n", await recovered.Content.ReadAsStringAsync());
        Assert.Equal(3, bot.Api.CallsTo("getMe").Count - getMeCalls);
    }

    [Theory]
    [InlineData(new[] { "--Telegram:WebhookUrl=" }, "Telegram:WebhookUrl is required in webhook mode: set AOTBOT_Telegram__WebhookUrl")]
    [InlineData(new[] { "--Telegram:WebhookUrl=http://bot.example.com/hook" },
        "Telegram:WebhookUrl must be an absolute https URL (Telegram posts only to https): set AOTBOT_Telegram__WebhookUrl")]
    [InlineData(new[] { "--Telegram:WebhookUrl=https://bot.example.com/metrics" },
        "Telegram:WebhookUrl must not end in /healthz, /readyz or /metrics: set AOTBOT_Telegram__WebhookUrl")]
    [InlineData(new[] { "--Telegram:WebhookSecret=" }, "Telegram:WebhookSecret is required in webhook mode: set AOTBOT_Telegram__WebhookSecret")]
    [InlineData(new[] { "--Telegram:WebhookSecret=has space" },
        "Telegram:WebhookSecret must be 1-256 characters of A-Z a-z 0-9 _ -: set AOTBOT_Telegram__WebhookSecret")]
    [InlineData(new[] { "--Http:Listen=" }, "Http:Listen is required in webhook mode: set AOTBOT_Http__Listen")]
    [InlineData(new[] { "--Telegram:Mode=push" }, "Telegram:Mode must be polling or webhook: set AOTBOT_Telegram__Mode")]
    public async Task I_get_exit_code_2_and_one_line_naming_the_setting_webhook_mode_misses(string[] change, string line)
    {
        // Arrange
        string[] args =
        [
            "check-config", $"--Telegram:Token={FakeBotApi.DefaultToken}", "--Telegram:Mode=webhook", $"--Telegram:WebhookUrl={HookUrl}",
            $"--Telegram:WebhookSecret={Secret}", "--Http:Listen=http://0.0.0.0:8080", .. change,
        ];
        var stderr = new StringWriter();

        // Act
        var exit = await Cli.RunAsync(args, TextWriter.Null, stderr);

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal(line, stderr.ToString().Trim());
    }

    [Fact]
    public async Task I_can_check_a_valid_webhook_configuration_and_see_the_secret_masked()
    {
        // Arrange
        var stdout = new StringWriter();

        // Act
        var exit = await Cli.RunAsync(["check-config", $"--Telegram:Token={FakeBotApi.DefaultToken}", "--Telegram:Mode=webhook",
            $"--Telegram:WebhookUrl={HookUrl}", $"--Telegram:WebhookSecret={Secret}", "--Http:Listen=http://0.0.0.0:8080"], stdout, TextWriter.Null);

        // Assert
        Assert.Equal(0, exit);
        Assert.Contains("Telegram:Mode = webhook", stdout.ToString());
        Assert.Contains("Telegram:WebhookSecret = ***", stdout.ToString());
        Assert.DoesNotContain(Secret, stdout.ToString());
    }

    [Fact]
    public async Task In_polling_mode_the_bot_removes_a_webhook_before_polling_and_serves_no_webhook_path()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync(["--Http:Listen=http://127.0.0.1:0"]);
        var port = bot.Host.Services.GetRequiredService<ListenerService>().LocalEndPoint!.Port;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // Act
        using var hook = await client.PostAsync(HookPath, new StringContent("{}"));

        // Assert
        var calls = bot.Api.Calls.Select(c => c.Method).ToList();
        Assert.True(calls.IndexOf("deleteWebhook") is >= 0 and var delete && delete < calls.IndexOf("getUpdates"), string.Join(",", calls));
        Assert.Equal("false", bot.Api.CallsTo("deleteWebhook")[0]["drop_pending_updates"] ?? "false", ignoreCase: true);
        Assert.Equal(HttpStatusCode.NotFound, hook.StatusCode);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_runs_in_webhook_mode_with_health_metrics_and_healthcheck()
    {
        // Arrange: a free port for the listener (the binary's own port 0 would be unknown to the test).
        await using var api = await FakeBotApi.StartAsync();
        var folder = Directory.CreateTempSubdirectory("aotbot-webhook-smoke-").FullName;
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        string[] settings = [$"--Telegram:ApiBaseUrl={api.BaseUrl}", "--Telegram:Mode=webhook", $"--Telegram:WebhookUrl={HookUrl}",
            $"--Telegram:WebhookSecret={Secret}", $"--Http:Listen=http://127.0.0.1:{port}",
            $"--Storage:ConnectionString=Data Source={Path.Combine(folder, "bot.db")}"];
        var environment = new Dictionary<string, string?> { ["BOT_TOKEN"] = api.Token };
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        try
        {
            await using var bot = RunningBinary.Start(settings, environment);
            var setWebhook = (await api.WaitForCallsAsync("setWebhook", 1, TimeSpan.FromSeconds(30)))[0];

            // Act
            using var wrong = await client.PostAsync(HookPath, new StringContent("{}"));
            using var update = new HttpRequestMessage(HttpMethod.Post, HookPath)
            {
                Content = new StringContent("{\"update_id\":9001," + api.Updates.Text(User, User, "/start")[1..], Encoding.UTF8, "application/json"),
            };
            update.Headers.Add(WebhookReceiver.SecretHeader, Secret);
            using var accepted = await client.SendAsync(update);
            var reply = (await api.WaitForCallsAsync("sendMessage", 1))[0];
            var metrics = await client.GetStringAsync("/metrics");
            var healthy = await PublishedBinary.RunAsync(["healthcheck", .. settings], environment);
            var exit = await bot.TerminateAsync();
            var afterStop = await PublishedBinary.RunAsync(["healthcheck", .. settings], environment);

            // Assert
            Assert.Equal(Secret, setWebhook["secret_token"]);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(User, reply.ChatId);
            Assert.Contains("\naotbot_updates_received_total 1\n", metrics);
            Assert.Equal((0, $"http://127.0.0.1:{port}/healthz: 200"), (healthy.ExitCode, healthy.Stdout.Trim()));
            Assert.Equal(0, exit);
            Assert.Equal(1, afterStop.ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void I_can_match_the_secret_only_exactly()
    {
        // Arrange
        var secret = new WebhookSecret(Secret);

        // Act / Assert
        Assert.True(secret.Matches(Secret));
        Assert.False(secret.Matches(Secret + "x"));
        Assert.False(secret.Matches(Secret[..^1]));
        Assert.False(secret.Matches(Secret.ToUpperInvariant()));
        Assert.False(secret.Matches(""));
    }

    [Fact]
    public void The_secret_is_compared_in_constant_time()
    {
        // A timing test would be flaky on a shared machine; this pins the implementation: fixed-size digests compared
        // with CryptographicOperations.FixedTimeEquals, and no early-exit comparison of the strings themselves.
        var source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src/AotBot/Telegram/WebhookSecret.cs"));
        var code = string.Join('\n', source.Split('\n').Where(l => !l.TrimStart().StartsWith("//")));

        Assert.Contains("CryptographicOperations.FixedTimeEquals(", code);
        Assert.Contains("SHA256.HashData(", code);
        Assert.DoesNotContain("SequenceEqual", code);
        Assert.DoesNotContain("string.Equals", code);
        Assert.DoesNotContain(" == ", code);
        var receiver = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src/AotBot/Telegram/WebhookReceiver.cs"));
        Assert.Contains("_secret!.Matches(presented)", receiver);
    }
}
