using System.Net.Http.Headers;
using System.Text.Json;
using AotBot.Http;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace AotBot.Telegram;

/// <summary>
/// Long polling: getUpdates (timeout 50 s) as our own HTTP call, read as raw JSON so each update is parsed on its own
/// (<see cref="IncomingUpdate.ParseBatch"/>). The offset asked for is the dispatcher's: Telegram keeps redelivering
/// updates still in progress, so none is lost if the process dies before finishing it. Failures are logged and
/// cooled down; the loop only ends when stopping. A 409 (another process polls with the token, or a webhook is set) is
/// named in one Error line per streak and on <c>/readyz</c>, and backs off like any failure.
/// </summary>
internal sealed class LongPollingReceiver(TelegramHttpClient http, BotApi api, PollerElection election, IBotStore store,
    IOptions<TelegramOptions> options, TelegramSetup setup, TimeProvider time, ILogger<LongPollingReceiver> logger) : IUpdateReceiver
{
    internal const int TimeoutSeconds = 50;
    internal static readonly string[] AllowedUpdates = ["message", "callback_query", "inline_query", "chosen_inline_result", "my_chat_member"];
    internal static readonly TimeSpan ProgressWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxCoolDown = TimeSpan.FromSeconds(30);

    private readonly Uri _getUpdates = new($"{options.Value.ApiBaseUrl.TrimEnd('/')}/bot{options.Value.Token}/getUpdates");

    public async Task RunAsync(UpdateDispatcher dispatcher, CancellationToken stoppingToken)
    {
        // A webhook left from another deployment makes getUpdates answer 409; polling means no webhook.
        await api.TryCallAsync("deleteWebhook", (client, token) => client.DeleteWebhook(dropPendingUpdates: false, token), stoppingToken);
        var failures = 0;
        var leading = false;
        var conflicts = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan coolDown;
            try
            {
                // Several instances on PostgreSQL: one polls, the others work the queue it fills.
                if (!await election.TryLeadAsync(stoppingToken))
                {
                    leading = false;
                    await Task.Delay(PollerElection.RetryInterval, time, stoppingToken);
                    continue;
                }
                // Taking over: the poller before moved the offset in the store.
                if (!leading) dispatcher.Start(await store.GetUpdateOffsetAsync(stoppingToken));
                leading = true;
                var offset = dispatcher.NextOffset;
                var batch = await GetUpdatesAsync(offset, stoppingToken);
                failures = 0;
                if (conflicts > 0)
                {
                    logger.PollConflictOver(conflicts);
                    (conflicts, setup.PollConflict) = (0, null);
                }
                var fresh = await dispatcher.AcceptAsync(batch, stoppingToken);
                if (batch.Count > 0 && fresh == 0 && dispatcher.NextOffset == offset)
                {
                    // Only updates still in progress came back, and Telegram answers at once while any is
                    // unconfirmed: wait for one to finish (or a moment, for new ones) instead of spinning.
                    if (batch.Count >= 100) logger.PollSaturated(batch.Count);
                    await dispatcher.WaitForProgressAsync(ProgressWait, stoppingToken);
                }
                continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (BotApiError ex) when (ex.Code == 409)
            {
                failures++;
                conflicts++;
                coolDown = CoolDown(failures);
                var cause = ConflictCause(ex.Message);
                setup.PollConflict = cause;
                if (conflicts == 1) logger.PollConflict(cause, coolDown.TotalSeconds);
                else logger.PollFailed(ex.Message, coolDown.TotalSeconds);
            }
            catch (BotApiError ex) when (ex.RetryAfter is { } retryAfter)
            {
                coolDown = retryAfter;
                logger.PollFailed(ex.Message, coolDown.TotalSeconds);
            }
            catch (Exception ex)
            {
                failures++;
                coolDown = CoolDown(failures);
                logger.PollFailed(ex.GetType().Name + ": " + ex.Message, coolDown.TotalSeconds);
            }
            try
            {
                await Task.Delay(coolDown, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static TimeSpan CoolDown(int failures) => TimeSpan.FromSeconds(Math.Min(MaxCoolDown.TotalSeconds, Math.Pow(2, failures - 1)));

    // Telegram's two 409s for getUpdates: "terminated by other getUpdates request" and "can't use getUpdates method
    // while webhook is active".
    internal static string ConflictCause(string description) =>
        description.Contains("webhook", StringComparison.OrdinalIgnoreCase)
            ? "a webhook is set for this bot token (another deployment runs in webhook mode?): stop it, or run this one in webhook mode too"
            : "another process is polling getUpdates with this bot token: stop the other instance (only one may poll), or run them all in webhook mode";

    internal async Task<List<IncomingUpdate>> GetUpdatesAsync(long offset, CancellationToken cancellationToken)
    {
        // A dead connection must not hang the loop: give up a while after Telegram's own timeout.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(TimeoutSeconds + 15), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var content = new ByteArrayContent(RequestBody(offset));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.Client.PostAsync(_getUpdates, content, linked.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: linked.Token);
        }
        catch (JsonException)
        {
            throw new BotApiError($"HTTP {(int)response.StatusCode} without a Bot API answer", null);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True
                && root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array)
                return IncomingUpdate.ParseBatch(result);
            throw BotApiError.From(root, (int)response.StatusCode);
        }
    }

    private static byte[] RequestBody(long offset)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (offset > 0) json.WriteNumber("offset", offset);
            json.WriteNumber("timeout", TimeoutSeconds);
            json.WriteStartArray("allowed_updates");
            foreach (var kind in AllowedUpdates) json.WriteStringValue(kind);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A Bot API error answer (<c>"ok": false</c>) to our raw call.</summary>
    private sealed class BotApiError(string message, TimeSpan? retryAfter, int code = 0) : Exception(message)
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;

        public int Code { get; } = code;

        public static BotApiError From(JsonElement root, int status)
        {
            var code = root.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var n) ? n : status;
            var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : "no description";
            TimeSpan? retryAfter = root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("retry_after", out var r) && r.TryGetInt32(out var seconds)
                    ? TimeSpan.FromSeconds(Math.Max(1, seconds))
                    : null;
            return new BotApiError($"{code} {description}", retryAfter, code);
        }
    }
}
