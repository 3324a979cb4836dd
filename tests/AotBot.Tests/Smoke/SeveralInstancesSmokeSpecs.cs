using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Storage;
using AotBot.Tests.Telegram;
using Npgsql;
using Xunit.Abstractions;

namespace AotBot.Tests.Smoke;

/// <summary>
/// Three published binaries on one PostgreSQL (tests/scripts/postgres.sh), the fake Bot API enforcing Telegram's flood
/// limits and the fake TikTok: 300 updates of 60 users (commands, links, music presses), one instance SIGKILLed half
/// way. Every update is answered; nothing twice beyond the jobs the killed instance had in flight; each chat's
/// ordered answers (commands, callback answers) in update order; no user over Limits:MaxJobsPerUser on all instances
/// at once; a handful of 429s at most.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class SeveralInstancesSmokeSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Users = 60, Instances = 3, MaxJobsPerUser = 2;
    private const long FirstUser = 7_700_001;
    private const string Secret = "several-instances-secret-0123456789";
    private const string HookPath = "/telegram/hook";
    private static readonly string QueueFullText = "Too many of your links are in progress";
    // The heartbeat pace of an instance in its first 30 s (UpdateQueue.StartupHeartbeatInterval).
    private static readonly TimeSpan UpdateQueueHeartbeat = TimeSpan.FromSeconds(2);

    private readonly string _schema = "smoke_" + Guid.NewGuid().ToString("N");
    private readonly List<RunningBinary> _bots = [];
    private FakeBotApi _api = null!;
    private FakeTikTokServer _tikTok = null!;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = _schema }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (PublishedBinary.Directory is null || PostgresServer.ConnectionString.Length == 0) return;
        await PostgresServer.AdminAsync($"CREATE SCHEMA {_schema}");
        _api = await FakeBotApi.StartAsync();
        _api.EnforceRateLimits = true;
        _tikTok = await FakeTikTokServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_api is null) return;
        foreach (var bot in _bots) await bot.DisposeAsync();
        await _api.DisposeAsync();
        await _tikTok.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.AdminAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    /// <summary>One update of the load: its body, its chat, and what answers it.</summary>
    private sealed record Load(long Id, long Chat, string Body, Kind Kind, string? CallbackId);

    private enum Kind { Start, Lang, Link, Music }

    /// <summary>Five updates per user, users interleaved: /start, link A, the music of A, /lang, link B.</summary>
    private List<Load> MakeLoad(long firstUpdateId)
    {
        var load = new List<Load>();
        var id = firstUpdateId;
        var posts = Enumerable.Range(0, Users).Select(u => (
            A: _tikTok.Add(new FakeTikTokPost($"7350810998{u * 2:D9}")),
            B: _tikTok.Add(new FakeTikTokPost($"7350810998{u * 2 + 1:D9}")))).ToArray();
        for (var round = 0; round < 5; round++)
        {
            for (var u = 0; u < Users; u++)
            {
                var user = FirstUser + u;
                var (kind, body) = round switch
                {
                    0 => (Kind.Start, _api.Updates.Text(user, user, "/start")),
                    1 => (Kind.Link, _api.Updates.Text(user, user, posts[u].A.Link.ToString())),
                    2 => (Kind.Music, _api.Updates.Callback(user, user, $"music_{posts[u].A.Id}", messageId: 100 + u)),
                    3 => (Kind.Lang, _api.Updates.Text(user, user, "/lang")),
                    _ => (Kind.Link, _api.Updates.Text(user, user, posts[u].B.Link.ToString())),
                };
                var callbackId = kind == Kind.Music
                    ? JsonDocument.Parse(body).RootElement.GetProperty("callback_query").GetProperty("id").GetString()
                    : null;
                load.Add(new Load(id++, user, body, kind, callbackId));
            }
        }
        return load;
    }

    private RunningBinary StartBot(params string[] extra)
    {
        var bot = RunningBinary.Start(
            [
                $"--Telegram:ApiBaseUrl={_api.BaseUrl}",
                "--Storage:Provider=postgres",
                $"--Storage:ConnectionString={ConnectionString}",
                $"--Limits:MaxJobsPerUser={MaxJobsPerUser}",
                "--Hosting:ShutdownTimeout=00:00:05",
                .. _tikTok.CommandLineArgs(withFallbackApi: false),
                .. extra,
            ],
            new Dictionary<string, string?> { ["BOT_TOKEN"] = _api.Token });
        _bots.Add(bot);
        return bot;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [PublishedBinaryWithPostgresFact]
    public async Task Webhook_three_instances_one_killed_mid_way_answer_every_update_once_in_order_within_the_limits()
    {
        // Arrange: three instances, each listening on its own port behind "the proxy" (this test)
        var ports = Enumerable.Range(0, Instances).Select(_ => FreePort()).ToArray();
        foreach (var port in ports)
        {
            StartBot("--Telegram:Mode=webhook", $"--Telegram:WebhookUrl=https://bot.example.com{HookPath}",
                $"--Telegram:WebhookSecret={Secret}", $"--Http:Listen=http://127.0.0.1:{port}");
        }
        await _api.WaitForCallsAsync("setWebhook", Instances, TimeSpan.FromSeconds(30));
        // One heartbeat round: each instance has seen the others and paces at its share of the 30 messages a second.
        await Task.Delay(UpdateQueueHeartbeat + TimeSpan.FromSeconds(1));
        var load = MakeLoad(firstUpdateId: 500_000);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var random = new Random(16);
        var live = Enumerable.Range(0, Instances).ToList();
        using var sampling = new CancellationTokenSource();
        var mostJobs = SampleJobsAsync(sampling.Token);
        var watch = Stopwatch.StartNew();
        long inFlightAtKill = -1;
        var victim = 0;

        // Act: each update to a random live instance (one at a time, as Telegram posts), 10% again to another;
        // half way one instance is SIGKILLed
        foreach (var (update, index) in load.Select((u, i) => (u, i)))
        {
            // The CDN holds media for the last 30 updates before the kill, so the victim surely has jobs in flight.
            if (index == load.Count / 2 - 30) _tikTok.HoldMedia();
            if (index == load.Count / 2)
            {
                var inFlight = new List<long>();
                foreach (var instance in live) inFlight.Add(await InFlightAsync(_bots[instance]));
                victim = live[inFlight.IndexOf(inFlight.Max())];
                inFlightAtKill = inFlight.Max();
                await _bots[victim].KillAsync();
                live.Remove(victim);
                _tikTok.ReleaseMedia();
            }
            var target = await PostAsync(http, ports, live, update, random.Next(live.Count));
            if (random.NextDouble() < 0.1)
                await PostAsync(http, ports, live, update, (live.IndexOf(target) + 1) % live.Count);
        }
        var posted = watch.Elapsed;
        await WaitForAnswersAsync(load, TimeSpan.FromSeconds(90));
        var answered = watch.Elapsed;
        await Task.Delay(1000); // room for a duplicate to show
        await sampling.CancelAsync();

        // Assert
        var excess = AssertAnswered(load);
        output.WriteLine($"posted in {posted.TotalSeconds:F1} s, all answered after {answered.TotalSeconds:F1} s; killed instance had " +
            $"{inFlightAtKill} in flight, answers beyond one per update: {excess}; 429s: {_api.Rates.TooManyRequests}; " +
            $"most messages to one chat in a second: {_api.Rates.MostPerSecondByChat().Values.Max()}; most jobs of one user: {await mostJobs}; " +
            "429s by method and chat: " + string.Join(", ", _api.Calls.Where(c => c.Status == 429).GroupBy(c => (c.Method, c.ChatId))
                .Select(g => $"{g.Key.Method}/{g.Key.ChatId} x{g.Count()} at {string.Join(" ", g.Select(c => c.At.ToString("ss.f")))}").Take(20)));
        Assert.True(inFlightAtKill > 0, "the killed instance had nothing in flight");
        Assert.True(excess <= inFlightAtKill, $"{excess} answers twice, the killed instance had {inFlightAtKill} updates in flight");
        Assert.True(_api.Rates.TooManyRequests <= 5, $"{_api.Rates.TooManyRequests} answers 429");
        Assert.True(await mostJobs <= MaxJobsPerUser, $"a user had {await mostJobs} jobs at once");
    }

    [PublishedBinaryWithPostgresFact]
    public async Task Polling_three_instances_the_poller_killed_mid_way_another_polls_within_10_s_and_nothing_is_lost()
    {
        // Arrange: three polling instances: one holds the poller lock
        for (var i = 0; i < Instances; i++) StartBot();
        foreach (var bot in _bots)
            await bot.WaitForLineAsync(l => l.Contains("holds the poller lock") || l.Contains("another instance calls getUpdates"));
        var poller = _bots.Single(b => b.Output.Contains("holds the poller lock"));
        var load = MakeLoad(firstUpdateId: 0);
        using var sampling = new CancellationTokenSource();
        var mostJobs = SampleJobsAsync(sampling.Token);
        var watch = Stopwatch.StartNew();

        // Act: the first half queued at Telegram; once the poller has taken some of it, it is SIGKILLed; then the rest
        var ids = load.Take(load.Count / 2).Select(u => _api.Enqueue(u.Body)).ToList();
        await BotHarness.WaitUntilAsync(() => _api.ConfirmedOffset > ids[ids.Count / 3], "a third confirmed", TimeSpan.FromSeconds(30));
        var inFlightAtKill = await InFlightAsync(poller);
        await poller.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        ids.AddRange(load.Skip(load.Count / 2).Select(u => _api.Enqueue(u.Body)));
        var nextPoll = await _api.WaitForCallAsync("getUpdates", c => c.At > killedAt.AddMilliseconds(50), TimeSpan.FromSeconds(15));
        // The fake numbers updates itself: map its ids onto the load's.
        load = [.. load.Select((u, i) => u with { Id = ids[i] })];
        await WaitForAnswersAsync(load, TimeSpan.FromSeconds(90));
        var answered = watch.Elapsed;
        await Task.Delay(1000);
        await sampling.CancelAsync();

        // Assert
        var excess = AssertAnswered(load);
        var takeover = nextPoll.At - killedAt;
        output.WriteLine($"next getUpdates {takeover.TotalSeconds:F1} s after the kill; all answered after {answered.TotalSeconds:F1} s; " +
            $"killed poller had {inFlightAtKill} in flight, answers beyond one per update: {excess}; 429s: {_api.Rates.TooManyRequests}; " +
            $"most jobs of one user: {await mostJobs}");
        Assert.True(takeover < TimeSpan.FromSeconds(10), $"the next getUpdates came {takeover} after the kill");
        Assert.True(excess <= inFlightAtKill, $"{excess} answers twice, the killed poller had {inFlightAtKill} updates in flight");
        Assert.True(_api.Rates.TooManyRequests <= 5, $"{_api.Rates.TooManyRequests} answers 429");
        Assert.True(await mostJobs <= MaxJobsPerUser, $"a user had {await mostJobs} jobs at once");
    }

    /// <summary>Posts the update to live instance number <paramref name="first"/>, or the next when that one fails (the proxy's retry).</summary>
    private static async Task<int> PostAsync(HttpClient http, int[] ports, List<int> live, Load update, int first)
    {
        var json = $"{{\"update_id\":{update.Id}," + update.Body.Trim()[1..];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var instance = live[(first + attempt) % live.Count];
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{ports[instance]}{HookPath}")
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
            try
            {
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK) return instance;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the proxy tries another.
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"update {update.Id} was refused by every instance");
    }

    /// <summary>Updates the instance had claimed and not finished: what it may have started sending.</summary>
    private async Task<long> InFlightAsync(RunningBinary bot)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM updates WHERE claimed_by LIKE @me AND state IN (1, 2)", connection);
        command.Parameters.AddWithValue("me", $"%/{bot.Id}/%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The most jobs one user had in progress across the instances, sampled every 20 ms until cancelled.</summary>
    private async Task<long> SampleJobsAsync(CancellationToken cancellationToken)
    {
        long most = 0;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM jobs GROUP BY user_id) AS counts", connection);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                most = Math.Max(most, (long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            }
            catch (PostgresException ex) when (ex.SqlState == "42P01")
            {
                // The first instance has not migrated yet.
            }
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return most;
    }

    /// <summary>Per chat: the ordered answers (command replies, callback answers) and the job answers (media or refusal).</summary>
    private sealed record ChatAnswers(List<(Kind Kind, int Sequence)> Ordered, int Jobs, int Others);

    private Dictionary<long, ChatAnswers> Answers(IReadOnlyList<Load> load)
    {
        var callbackChats = load.Where(u => u.CallbackId is not null).ToDictionary(u => u.CallbackId!, u => u.Chat);
        var answers = load.Select(u => u.Chat).Distinct().ToDictionary(c => c, _ => new ChatAnswers([], 0, 0));
        foreach (var call in _api.Calls.Where(c => c.Succeeded || c.Method == "answerCallbackQuery"))
        {
            if (call.Method == "answerCallbackQuery" && call["callback_query_id"] is { } query && callbackChats.TryGetValue(query, out var of))
            {
                answers[of].Ordered.Add((Kind.Music, call.Sequence));
                continue;
            }
            if (call.ChatId is not { } chat || !answers.TryGetValue(chat, out var a)) continue;
            switch (call.Method)
            {
                case "sendVideo" or "sendAudio":
                    answers[chat] = a with { Jobs = a.Jobs + 1 };
                    break;
                case "sendMessage" when call["text"]?.StartsWith(QueueFullText, StringComparison.Ordinal) == true:
                    answers[chat] = a with { Jobs = a.Jobs + 1 };
                    break;
                case "sendMessage" when call.ButtonData.Any(d => d.StartsWith("lang/", StringComparison.Ordinal)):
                    a.Ordered.Add((Kind.Lang, call.Sequence));
                    break;
                case "sendMessage" when call["text"]?.StartsWith("👋", StringComparison.Ordinal) == true:
                    a.Ordered.Add((Kind.Start, call.Sequence));
                    break;
                case "sendMessage":
                    answers[chat] = a with { Others = a.Others + 1 };
                    break;
            }
        }
        return answers;
    }

    private async Task WaitForAnswersAsync(IReadOnlyList<Load> load, TimeSpan timeout)
    {
        var expected = load.GroupBy(u => u.Chat).ToDictionary(g => g.Key, g => (Ordered: g.Count(u => u.Kind != Kind.Link),
            Jobs: g.Count(u => u.Kind is Kind.Link or Kind.Music)));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answers = Answers(load);
            var missing = expected.Where(e => answers[e.Key].Ordered.Select(o => o).DistinctBy(o => o.Kind).Count() < e.Value.Ordered
                || answers[e.Key].Jobs < e.Value.Jobs).Select(e => e.Key).ToList();
            if (missing.Count == 0) return;
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{missing.Count} chats lack answers, e.g. {missing[0]}: " +
                    string.Join(" | ", _api.Calls.Where(c => c.ChatId == missing[0]).Select(c => c.ToString()[..Math.Min(120, c.ToString().Length)])) +
                    "\n" + string.Join("\n", _bots.Select(b => string.Join("\n", b.Lines.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase)).Take(10)))));
            await Task.Delay(250);
        }
    }

    /// <summary>Asserts every update answered and ordered answers in update order; returns the answers beyond one per update.</summary>
    private int AssertAnswered(IReadOnlyList<Load> load)
    {
        var answers = Answers(load);
        var excess = 0;
        foreach (var chat in load.GroupBy(u => u.Chat))
        {
            var a = answers[chat.Key];
            var expectedOrder = chat.OrderBy(u => u.Id).Where(u => u.Kind != Kind.Link).Select(u => u.Kind).ToList();
            var first = a.Ordered.OrderBy(o => o.Sequence).Select(o => o.Kind).Distinct().ToList();
            Assert.True(expectedOrder.SequenceEqual(first), $"chat {chat.Key}: answers {string.Join(",", first)}, updates {string.Join(",", expectedOrder)}");
            Assert.True(a.Others == 0, $"chat {chat.Key}: {a.Others} unexpected messages");
            var jobs = chat.Count(u => u.Kind is Kind.Link or Kind.Music);
            Assert.True(a.Jobs >= jobs, $"chat {chat.Key}: {a.Jobs} job answers for {jobs} jobs");
            excess += a.Jobs - jobs + a.Ordered.Count - expectedOrder.Count;
        }
        return excess;
    }
}

/// <summary>A fact that needs both the published binary and the throwaway PostgreSQL (both set by <c>./build.sh test</c>).</summary>
public sealed class PublishedBinaryWithPostgresFactAttribute : FactAttribute
{
    public PublishedBinaryWithPostgresFactAttribute()
    {
        if (PublishedBinary.Directory is null)
            Skip = "No published binary: run through ./build.sh test (sets AOTBOT_PUBLISHED_DIR)";
        else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AOTBOT_TEST_POSTGRES")))
            Skip = "AOTBOT_TEST_POSTGRES is not set";
    }
}
