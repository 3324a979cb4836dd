using System.Net;
using System.Text;
using AotBot.Hosting;
using AotBot.Telegram;
using AotBot.Tests.Hosting;
using AotBot.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Reliability;

/// <summary>
/// The webhook on the open internet: malformed and truncated JSON, 1 MB bodies, slow senders, thousands of headers,
/// the same update again and again. Every request gets a 4xx or 200 (never a 5xx, never a hang), a real update posted
/// afterwards is still answered, no connection slot is left behind and memory does not grow with what was sent.
/// Bounded loops with a fixed seed; everything on 127.0.0.1; the listener's timeouts run on fake time.
/// </summary>
public sealed class WebhookHostileInputSpecs : IAsyncLifetime
{
    private const string Secret = "h0stile_Secret-9";
    private const string HookPath = "/telegram/hook";
    private const int Seed = 20261202;
    private const long User = 8801;
    private long _nextUser = 8900;
    private BotHarness _bot = null!;
    private FakeTimeProvider _time = null!;
    private HttpClient _client = null!;

    private IPEndPoint EndPoint => _bot.Host.Services.GetRequiredService<ListenerService>().LocalEndPoint!;

    public async Task InitializeAsync()
    {
        _time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _bot = await BotHarness.StartAsync(
            ["--Telegram:Mode=webhook", $"--Telegram:WebhookUrl=https://bot.example.com{HookPath}", $"--Telegram:WebhookSecret={Secret}",
                "--Http:Listen=http://127.0.0.1:0"],
            services => services.AddSingleton<TimeProvider>(_time), startedWhen: "setWebhook");
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{EndPoint.Port}"), Timeout = TimeSpan.FromSeconds(20) };
        _client.DefaultRequestHeaders.ConnectionClose = true;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _bot.DisposeAsync();
    }

    [Fact]
    public async Task Five_hundred_mutated_updates_get_200_or_400_and_the_bot_still_answers_a_real_one()
    {
        // Arrange: mutations of a real update (cuts, flipped bytes, wrong types, invalid UTF-8, deep nesting, empty)
        var valid = Encoding.UTF8.GetBytes(WithId(9_000_000, _bot.Api.Updates.Text(User, User, "hello")));
        var random = new Random(Seed);
        var statuses = new Dictionary<int, int>();

        // Act
        for (var i = 0; i < 500; i++)
        {
            using var answer = await PostAsync(Mutate(valid, random, i));
            statuses[(int)answer.StatusCode] = statuses.GetValueOrDefault((int)answer.StatusCode) + 1;
        }
        var replied = await RealUpdateIsAnsweredAsync(9_100_000);

        // Assert
        Assert.True(statuses.Keys.All(s => s is 200 or 400), string.Join(", ", statuses.Select(p => $"{p.Key}: {p.Value}")));
        Assert.True(statuses.GetValueOrDefault(400) > 300, $"only {statuses.GetValueOrDefault(400)} refused");
        Assert.True(replied);
    }

    [Fact]
    public async Task One_megabyte_bodies_are_refused_or_read_and_memory_does_not_keep_them()
    {
        // Arrange: a body just under the limit (a valid update with a long padding field) and one just over it
        var padding = new string('a', 1024 * 1024 - 200);
        var under = Encoding.UTF8.GetBytes("{\"update_id\":9200001,\"padding\":\"" + padding + "\"}");
        var over = Encoding.UTF8.GetBytes("{\"update_id\":9200002,\"padding\":\"" + padding + new string('b', 400) + "\"}");
        await PostAsync(under);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Act: 60 of each, 8 at a time
        var statuses = new List<int>();
        for (var round = 0; round < 15; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PostAsync(i % 2 == 0 ? under : over)));
            statuses.AddRange(answers.Select(a => (int)a.StatusCode));
            foreach (var answer in answers) answer.Dispose();
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var replied = await RealUpdateIsAnsweredAsync(9_200_100);

        // Assert: 120 MB went in; what stays is below one fifth of it (the heap is the whole test process's, and other
        // specs run beside this one: 12 MB was crossed by them alone once)
        Assert.Equal(60, statuses.Count(s => s == 413));
        Assert.Equal(60, statuses.Count(s => s is 200 or 400));
        Assert.True(after - before < 24 * 1024 * 1024, $"managed heap grew by {(after - before) / 1024 / 1024} MB");
        Assert.True(replied);
    }

    [Fact]
    public async Task Thousands_of_headers_are_refused_with_431_and_truncated_bodies_leave_no_connection_behind()
    {
        // Arrange
        var manyHeaders = new StringBuilder($"POST {HookPath} HTTP/1.1\r\nHost: x\r\n{WebhookReceiver.SecretHeader}: {Secret}\r\n");
        for (var i = 0; i < 5000; i++) manyHeaders.Append("X-H").Append(i).Append(": v\r\n");
        manyHeaders.Append("Content-Length: 2\r\n\r\n{}");
        var manySmall = new StringBuilder($"POST {HookPath} HTTP/1.1\r\nHost: x\r\n");
        for (var i = 0; i < 200; i++) manySmall.Append('h').Append(i).Append(":\r\n");
        manySmall.Append("Content-Length: 2\r\n\r\n{}");

        // Act
        var huge = await RawExchangeAsync(manyHeaders.ToString());
        var counted = await RawExchangeAsync(manySmall.ToString());
        for (var i = 0; i < 100; i++)
        {
            // Announces 500 bytes, sends 100, hangs up
            await using var cut = await RawHttpConnection.OpenAsync(EndPoint);
            await cut.SendAsync($"POST {HookPath} HTTP/1.1\r\nHost: x\r\n{WebhookReceiver.SecretHeader}: {Secret}\r\nContent-Length: 500\r\n\r\n{{\"update_id\":{9_300_000 + i},\"message\":{{\"text\":\"");
        }
        var open = await AllConnectionSlotsFreeAsync();
        var replied = await RealUpdateIsAnsweredAsync(9_300_500);

        // Assert
        Assert.Equal(431, huge);
        Assert.Equal(431, counted);
        Assert.True(open, "the listener still counts connections of hung-up clients");
        Assert.True(replied);
    }

    [Fact]
    public async Task Slow_senders_get_408_once_the_request_timeout_passes_while_others_are_served()
    {
        // Arrange: 20 clients that send their head a line at a time and 20 that stall in the body
        var slow = new List<RawHttpConnection>();
        for (var i = 0; i < 40; i++)
        {
            var connection = await RawHttpConnection.OpenAsync(EndPoint);
            slow.Add(connection);
            await connection.SendAsync(i % 2 == 0
                ? $"POST {HookPath} HTTP/1.1\r\n"
                : $"POST {HookPath} HTTP/1.1\r\nHost: x\r\n{WebhookReceiver.SecretHeader}: {Secret}\r\nContent-Length: 100\r\n\r\n{{\"upd");
        }

        // Act: a real update meanwhile, then time passes in steps while the slow ones trickle a byte each step
        var servedMeanwhile = await RealUpdateIsAnsweredAsync(9_400_000);
        for (var step = 0; step < 12; step++)
        {
            foreach (var connection in slow)
            {
                try
                {
                    await connection.SendAsync("X");
                }
                catch (IOException)
                {
                    // Already answered and closed.
                }
            }
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        var answers = new List<int?>();
        foreach (var connection in slow)
        {
            answers.Add((await connection.ReadResponseAsync())?.Status);
            await connection.DisposeAsync();
        }
        var open = await AllConnectionSlotsFreeAsync();

        // Assert
        Assert.True(servedMeanwhile);
        Assert.All(answers, status => Assert.True(status is 408 or 400 or null, $"status {status}"));
        Assert.True(answers.Count(s => s == 408) >= 20, string.Join(",", answers));
        Assert.True(open);
    }

    [Fact]
    public async Task The_same_update_posted_two_hundred_times_forty_at_once_and_in_a_row_is_handled_once()
    {
        // Arrange
        var body = Encoding.UTF8.GetBytes(WithId(9_500_000, _bot.Api.Updates.Text(User, User, "/start")));

        // Act: 40 at once is Telegram's default max_connections (past the listener's 64, a 503 is the right answer)
        var together = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => PostAsync(body)));
        for (var i = 0; i < 160; i++) (await PostAsync(body)).Dispose();
        await _bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        var replied = await RealUpdateIsAnsweredAsync(9_500_001);

        // Assert
        Assert.All(together, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Single(_bot.Api.CallsTo("sendMessage"), c => c.ChatId == User);
        Assert.True(replied);
        foreach (var answer in together) answer.Dispose();
    }

    private static string WithId(long updateId, string body) => $"{{\"update_id\":{updateId}," + body.Trim()[1..];

    private async Task<HttpResponseMessage> PostAsync(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, HookPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookReceiver.SecretHeader, Secret);
        return await _client.SendAsync(request);
    }

    /// <summary>A /start from a new user is answered (a sendMessage to them), within the harness's wait.</summary>
    private async Task<bool> RealUpdateIsAnsweredAsync(long updateId)
    {
        var user = Interlocked.Increment(ref _nextUser);
        using var answer = await PostAsync(Encoding.UTF8.GetBytes(WithId(updateId, _bot.Api.Updates.Text(user, user, "/start"))));
        if (answer.StatusCode != HttpStatusCode.OK) return false;
        await _bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == user);
        return true;
    }

    /// <summary>Sends <paramref name="request"/> on its own connection and returns the status of the answer (0 if none).</summary>
    private async Task<int> RawExchangeAsync(string request)
    {
        await using var connection = await RawHttpConnection.OpenAsync(EndPoint);
        try
        {
            await connection.SendAsync(request);
        }
        catch (IOException)
        {
            // The server may answer and close before the whole head is sent.
        }
        return (await connection.ReadResponseAsync())?.Status ?? 0;
    }

    /// <summary>All 64 connection slots take a request again: none is held by a client that went away.</summary>
    private async Task<bool> AllConnectionSlotsFreeAsync()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var connections = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => RawHttpConnection.OpenAsync(EndPoint)));
            var statuses = new List<int?>();
            foreach (var connection in connections)
                await connection.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            foreach (var connection in connections)
            {
                statuses.Add((await connection.ReadResponseAsync())?.Status);
                await connection.DisposeAsync();
            }
            if (statuses.All(s => s == 200)) return true;
            await Task.Delay(100);
        }
        return false;
    }

    private static byte[] Mutate(byte[] valid, Random random, int round)
    {
        switch (round % 8)
        {
            case 0: return valid[..random.Next(valid.Length)];
            case 1:
            {
                var copy = (byte[])valid.Clone();
                for (var i = random.Next(1, 8); i > 0; i--) copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
            }
            case 2:
            {
                string[] ids = ["-1", "1e400", "\"x\"", "null", "99999999999999999999999", "[]", "{}", "true", "0.5"];
                var text = Encoding.UTF8.GetString(valid);
                return Encoding.UTF8.GetBytes("{\"update_id\":" + ids[random.Next(ids.Length)] + text[text.IndexOf(',')..]);
            }
            case 3: return [.. valid.Take(valid.Length / 2), 0xC3, 0x28, 0xFF, 0xFE, .. valid.Skip(valid.Length / 2)];
            case 4: return Encoding.ASCII.GetBytes(new string('[', random.Next(100, 20_000)) + new string(']', random.Next(0, 100)));
            case 5: return Encoding.ASCII.GetBytes("{\"update_id\":" + (9_600_000 + round) + ",\"message\":" + new string('{', random.Next(64, 5000)));
            case 6: return [];
            default:
            {
                var text = Encoding.UTF8.GetString(valid);
                var cut = random.Next(1, text.Length);
                return Encoding.UTF8.GetBytes(text[..cut] + "\"\\u00" + text[cut..]);
            }
        }
    }
}
