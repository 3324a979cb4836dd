using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Testing.FakeBotApi;

/// <summary>
/// A Bot API server on 127.0.0.1 (Kestrel, port 0) speaking Telegram's wire format: <c>/bot&lt;token&gt;/&lt;method&gt;</c>,
/// JSON, form and multipart bodies (<c>attach://</c> parts), <c>"Html"</c>/<c>"True"</c> accepted. It records every call
/// with its fields and uploaded bytes, serves injected updates through getUpdates long polling (honouring
/// <c>offset</c>, <c>timeout</c> and <c>limit</c>), injects faults, and answers getMe, getChat, getChatMember,
/// getWebhookInfo and the send methods with sensible defaults (fresh file_ids for uploads, the same file_id for a
/// file_id). Strict where Telegram is: getChat of a group or channel it was not told about is "chat not found", and
/// getUpdates while a webhook is set is a 409.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string DefaultToken = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk";
    public const string BotUsername = "aotbot_test_bot";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<BotApiCall> _calls = [];
    private readonly List<(long Id, string Json)> _updates = [];
    private readonly Dictionary<string, Queue<BotApiFault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Queue<BotApiFault>> _chatFaults = [];
    private readonly Dictionary<long, long> _migratedChats = [];
    private readonly Dictionary<string, DateTimeOffset> _callbackPressedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _callbackDeliveredAt = new(StringComparer.Ordinal);
    private BotApiOutage? _outage;
    private TaskCompletionSource _outageOver = NewSignal();
    private readonly ConcurrentDictionary<(long Chat, long User), string> _members = new();
    private readonly ConcurrentDictionary<long, FakeChannel> _channels = new();
    private string _webhookUrl = "";
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = NewSignal();
    private long _nextUpdateId = 1000;
    private int _sequence;
    private int _messageId = 5000;

    private FakeBotApi(WebApplication app, string token)
    {
        _app = app;
        Token = token;
        Updates = new FakeUpdates(BotId);
        app.Run(HandleAsync);
    }

    public static async Task<FakeBotApi> StartAsync(string token = DefaultToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = long.MaxValue;
            form.ValueLengthLimit = int.MaxValue;
        });
        var fake = new FakeBotApi(builder.Build(), token);
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return fake;
    }

    /// <summary>What <c>Telegram:ApiBaseUrl</c> is set to.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public string Token { get; }

    public long BotId => long.Parse(Token[..Token.IndexOf(':')]);

    /// <summary>
    /// How long after a callback query reached the bot (getUpdates) its answer is still taken; later answers get
    /// Telegram's "query is too old" 400. Telegram does not publish the figure; answers take seconds at most there.
    /// </summary>
    public TimeSpan MaxCallbackAnswerAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Builders for update bodies to pass to <see cref="Enqueue"/>.</summary>
    public FakeUpdates Updates { get; }

    /// <summary>
    /// Off by default (specs that send a burst to one chat test other things): when on, messages over Telegram's
    /// flood limits get 429 with retry_after (<see cref="BotApiRates"/>).
    /// </summary>
    public bool EnforceRateLimits { get; set; }

    /// <summary>Messages counted per chat and second, and the 429s returned, while <see cref="EnforceRateLimits"/> is on.</summary>
    public BotApiRates Rates { get; } = new();

    /// <summary>The highest offset getUpdates was asked for (updates below it are confirmed and gone).</summary>
    public long ConfirmedOffset { get; private set; }

    public IReadOnlyList<BotApiCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    /// <summary>Calls of one method, in order (getUpdates included when asked for).</summary>
    public IReadOnlyList<BotApiCall> CallsTo(string method)
    {
        lock (_gate) return [.. _calls.Where(c => c.Method == method)];
    }

    /// <summary>Every call except the reads (getUpdates, getMe, getChat, getChatMember, getWebhookInfo) and deleteWebhook: what the bot said.</summary>
    public IReadOnlyList<BotApiCall> Sent
    {
        get
        {
            lock (_gate)
                return [.. _calls.Where(c => c.Method is not ("getUpdates" or "getMe" or "deleteWebhook" or "getChat" or "getChatMember" or "getWebhookInfo"))];
        }
    }

    /// <summary>getMe's <c>can_read_all_group_messages</c>: false is privacy mode on (BotFather's default); true here.</summary>
    public bool CanReadAllGroupMessages { get; set; } = true;

    /// <summary>The webhook URL set (by setWebhook, or by "another deployment" in a test); getUpdates answers 409 while one is.</summary>
    public string WebhookUrl
    {
        get { lock (_gate) return _webhookUrl; }
        set { lock (_gate) _webhookUrl = value; }
    }

    /// <summary>getMe's <c>supports_inline_queries</c>: false is inline mode off in BotFather.</summary>
    public bool SupportsInlineQueries { get; set; } = true;

    /// <summary>
    /// Makes <paramref name="channelId"/> a channel getChat knows, with the bot in it as <paramref name="botStatus"/>
    /// (administrator, member, left); an administrator may post there when <paramref name="canPostMessages"/>.
    /// </summary>
    public void AddChannel(long channelId, string botStatus = "administrator", bool canPostMessages = true) =>
        _channels[channelId] = new FakeChannel(botStatus, canPostMessages);

    /// <summary>Every photo uploaded by sendMediaGroup and sendPhoto, in the order sent.</summary>
    public IReadOnlyList<UploadedFile> UploadedPhotos() =>
        [.. Calls.Where(c => c.Method is "sendMediaGroup" or "sendPhoto" && c.Succeeded)
            .SelectMany(c => c.Method == "sendPhoto"
                ? [c.File("photo")!]
                : Enumerable.Range(0, c.Media.Count).Select(i => c.MediaFile(i)!))];

    /// <summary>Queues an update (a body from <see cref="Updates"/>) and returns its update_id.</summary>
    public long Enqueue(string updateBody) => EnqueueBatch(updateBody)[0];

    /// <summary>Queues several updates at once, so one getUpdates answer carries them all; returns their ids.</summary>
    public long[] EnqueueBatch(params string[] updateBodies)
    {
        lock (_gate)
        {
            var ids = new long[updateBodies.Length];
            for (var i = 0; i < updateBodies.Length; i++)
            {
                var trimmed = updateBodies[i].Trim();
                if (!trimmed.StartsWith('{')) throw new ArgumentException("An update body is a JSON object.", nameof(updateBodies));
                ids[i] = ++_nextUpdateId;
                if (CallbackQueryId(trimmed) is { } queryId) _callbackPressedAt[queryId] = DateTimeOffset.UtcNow;
                var rest = trimmed[1..].TrimStart();
                _updates.Add((ids[i], $"{{\"update_id\":{ids[i]}" + (rest.StartsWith('}') ? "" : ",") + rest));
            }
            Signal();
            return ids;
        }
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> get <paramref name="fault"/>.</summary>
    public void FailNext(string method, BotApiFault fault, int times = 1)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(method, out var queue)) _faults[method] = queue = new Queue<BotApiFault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    /// <summary>The next <paramref name="times"/> calls of any method for <paramref name="chatId"/> get <paramref name="fault"/>.</summary>
    public void FailChat(long chatId, BotApiFault fault, int times = 1)
    {
        lock (_gate)
        {
            if (!_chatFaults.TryGetValue(chatId, out var queue)) _chatFaults[chatId] = queue = new Queue<BotApiFault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    /// <summary>Until <see cref="EndOutage"/>, every call (getUpdates included) fails the way <paramref name="outage"/> says.</summary>
    public void BeginOutage(BotApiOutage outage)
    {
        lock (_gate)
        {
            _outage = outage;
            _outageOver = NewSignal();
            Signal();
        }
    }

    /// <summary>Ends the outage: calls held by a <see cref="BotApiOutage.GatewayTimeout"/> get their 504 now.</summary>
    public void EndOutage()
    {
        lock (_gate)
        {
            _outage = null;
            _outageOver.TrySetResult();
            Signal();
        }
    }

    /// <summary>
    /// From now on every call for <paramref name="fromChatId"/> gets Telegram's 400 with
    /// <c>parameters.migrate_to_chat_id</c> = <paramref name="toChatId"/>: the group became a supergroup.
    /// </summary>
    public void MigrateChat(long fromChatId, long toChatId)
    {
        lock (_gate) _migratedChats[fromChatId] = toChatId;
    }

    /// <summary>
    /// How long after the press reached the bot (its getUpdates answer; else its enqueueing) the callback query
    /// <paramref name="answer"/> answers was answered; null for a query the fake did not hand out.
    /// </summary>
    public TimeSpan? CallbackAnswerAge(BotApiCall answer)
    {
        lock (_gate) return CallbackAge(answer["callback_query_id"], answer.At);
    }

    private TimeSpan? CallbackAge(string? queryId, DateTimeOffset at) =>
        queryId is null ? null
        : _callbackDeliveredAt.TryGetValue(queryId, out var delivered) ? at - delivered
        : _callbackPressedAt.TryGetValue(queryId, out var pressed) ? at - pressed
        : null;

    /// <summary>getChatMember answers <paramref name="status"/> (creator, administrator, member, ...) for this user in this chat.</summary>
    public void SetChatMember(long chatId, long userId, string status) => _members[(chatId, userId)] = status;

    /// <summary>Waits (real time) until <paramref name="method"/> was called <paramref name="count"/> times; returns those calls.</summary>
    public Task<IReadOnlyList<BotApiCall>> WaitForCallsAsync(string method, int count, TimeSpan? timeout = null) =>
        WaitAsync(() => CallsTo(method) is var calls && calls.Count >= count ? calls : null,
            () => $"{method} was called {CallsTo(method).Count} times, expected {count}", timeout);

    /// <summary>Waits until a call of <paramref name="method"/> matches <paramref name="match"/>.</summary>
    public async Task<BotApiCall> WaitForCallAsync(string method, Func<BotApiCall, bool> match, TimeSpan? timeout = null) =>
        (await WaitAsync(() => CallsTo(method).Where(match).ToList() is [var first, ..] ? new[] { first } : null,
            () => $"no {method} call matched", timeout))[0];

    /// <summary>Waits until getUpdates was asked for an offset past <paramref name="updateId"/> (it is confirmed).</summary>
    public Task WaitForConfirmationAsync(long updateId, TimeSpan? timeout = null) =>
        WaitAsync(() => ConfirmedOffset > updateId ? Array.Empty<BotApiCall>() : null,
            () => $"update {updateId} was not confirmed (offset {ConfirmedOffset})", timeout);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task<IReadOnlyList<BotApiCall>> WaitAsync(Func<IReadOnlyList<BotApiCall>?> check, Func<string> failure, TimeSpan? timeout)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_gate) changed = _changed.Task;
            if (check() is { } result) return result;
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(failure() + ". Calls: " + string.Join(" | ", Sent.Select(c => c.ToString())));
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        if (!path.StartsWith("/bot", StringComparison.Ordinal) || slash < 0)
        {
            await ReplyAsync(context, 404, """{"ok":false,"error_code":404,"description":"Not Found"}""");
            return;
        }
        if (path[4..slash] != Token)
        {
            await ReplyAsync(context, 401, """{"ok":false,"error_code":401,"description":"Unauthorized"}""");
            return;
        }
        var method = path[(slash + 1)..];
        var (fields, files) = await ReadParametersAsync(context.Request);

        BotApiFault? fault = null;
        BotApiOutage? outage;
        Task outageOver;
        lock (_gate)
        {
            outage = _outage;
            outageOver = _outageOver.Task;
            if (outage is not null) fault = null;
            else if (_faults.TryGetValue(method, out var queue) && queue.TryDequeue(out var next)) fault = next;
            else if (ChatIdOf(fields) is { } chat && _chatFaults.TryGetValue(chat, out var chatQueue) && chatQueue.TryDequeue(out var forChat)) fault = forChat;
            else if (ChatIdOf(fields) is { } migrated && _migratedChats.TryGetValue(migrated, out var newChatId)) fault = BotApiFault.Migrated(newChatId);
            else if (method == "answerCallbackQuery" && CallbackAge(fields.GetValueOrDefault("callback_query_id"), DateTimeOffset.UtcNow) > MaxCallbackAnswerAge)
                fault = BotApiFault.Error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
        }
        var sequence = Interlocked.Increment(ref _sequence);
        if (outage is { } down)
        {
            await OutageAsync(context, new BotApiCall(sequence, method, fields, files, down == BotApiOutage.BadGateway ? 502 : 504, DateTimeOffset.UtcNow), down, outageOver);
            return;
        }
        fault ??= method == "getUpdates" ? null : BotApiLimits.Check(fields, files);
        if (fault is not null)
        {
            Record(new BotApiCall(sequence, method, fields, files, fault.Status, DateTimeOffset.UtcNow));
            await ReplyAsync(context, fault.Status, fault.Body, fault.ContentType);
            return;
        }

        if (method == "getUpdates" && WebhookActive())
        {
            var conflict = BotApiFault.WebhookActive();
            Record(new BotApiCall(sequence, method, fields, files, conflict.Status, DateTimeOffset.UtcNow));
            await ReplyAsync(context, conflict.Status, conflict.Body);
            return;
        }
        if (Refusal(method, fields) is { } refusal)
        {
            Record(new BotApiCall(sequence, method, fields, files, refusal.Status, DateTimeOffset.UtcNow));
            await ReplyAsync(context, refusal.Status, refusal.Body);
            return;
        }

        string result;
        if (method == "getUpdates")
        {
            // Recorded when it arrives: a test waits for the bot to be polling, not for the poll to end.
            Record(new BotApiCall(sequence, method, fields, files, 200, DateTimeOffset.UtcNow));
            if (await GetUpdatesAsync(fields, context.RequestAborted) is not { } updates)
            {
                // An outage began while the poll waited: it fails like any call made now.
                Task over;
                lock (_gate) (outage, over) = (_outage, _outageOver.Task);
                await OutageAsync(context, null, outage ?? BotApiOutage.BadGateway, over);
                return;
            }
            result = updates;
        }
        else
        {
            if (EnforceRateLimits && BotApiRates.IsMessage(method) && ChatIdOf(fields) is { } target
                && Rates.Take(target, MessageWeight(fields)) is { } retryAfter)
            {
                var flood = BotApiFault.TooManyRequests(retryAfter);
                Record(new BotApiCall(sequence, method, fields, files, flood.Status, DateTimeOffset.UtcNow));
                await ReplyAsync(context, flood.Status, flood.Body);
                return;
            }
            var call = new BotApiCall(sequence, method, fields, files, 200, DateTimeOffset.UtcNow);
            result = Answer(call);
            Record(call);
        }
        await ReplyAsync(context, 200, "{\"ok\":true,\"result\":" + result + "}");
    }

    private async Task OutageAsync(HttpContext context, BotApiCall? call, BotApiOutage outage, Task over)
    {
        if (call is not null) Record(call);
        if (outage == BotApiOutage.BadGateway)
        {
            var bad = BotApiFault.BadGateway();
            await ReplyAsync(context, bad.Status, bad.Body, bad.ContentType);
            return;
        }
        // A front that lost its backend: nothing until the client gives up, or a 504 once the outage ends.
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await over.WaitAsync(gone.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await ReplyAsync(context, 504, "<html><body><h1>504 Gateway Time-out</h1></body></html>", "text/html");
    }

    /// <summary>The callback query id an update body carries; null for other updates (and for hostile bodies tests send).</summary>
    private static string? CallbackQueryId(string updateJson)
    {
        if (!updateJson.Contains("\"callback_query\"", StringComparison.Ordinal)) return null;
        try
        {
            using var update = JsonDocument.Parse(updateJson);
            return update.RootElement.TryGetProperty("callback_query", out var query) && query.ValueKind == JsonValueKind.Object
                && query.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An album counts its items against the group and global limits, as Telegram does.</summary>
    private static int MessageWeight(Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("media", out var media) || !media.TrimStart().StartsWith('[')) return 1;
        try
        {
            using var document = JsonDocument.Parse(media);
            return Math.Max(1, document.RootElement.GetArrayLength());
        }
        catch (JsonException)
        {
            return 1;
        }
    }

    private static long? ChatIdOf(Dictionary<string, string> fields) =>
        fields.TryGetValue("chat_id", out var value) && long.TryParse(value, out var id) ? id : null;

    private static async Task<(Dictionary<string, string>, Dictionary<string, UploadedFile>)> ReadParametersAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, UploadedFile>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query) fields[key] = value.ToString();
        if (request.HasJsonContentType())
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form) fields[key] = value.ToString();
            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                files[file.Name] = new UploadedFile(file.Name, file.FileName, file.ContentType, buffer.ToArray());
            }
        }
        return (fields, files);
    }

    /// <summary>The updates to answer, or null when an outage began while waiting.</summary>
    private async Task<string?> GetUpdatesAsync(Dictionary<string, string> fields, CancellationToken aborted)
    {
        var (offset, timeout, limit) = GetUpdatesRequest.Parse(fields);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        waiting.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                // Telegram forgets every update below the offset asked for: it is confirmed.
                if (offset > ConfirmedOffset)
                {
                    _updates.RemoveAll(u => u.Id < offset);
                    ConfirmedOffset = offset;
                    Signal();
                }
                if (_outage is not null) return null;
                var pending = _updates.Where(u => u.Id >= offset).Take(limit).Select(u => u.Json).ToList();
                foreach (var update in pending)
                {
                    if (CallbackQueryId(update) is { } queryId) _callbackDeliveredAt.TryAdd(queryId, DateTimeOffset.UtcNow);
                }
                if (pending.Count > 0 || waiting.IsCancellationRequested) return "[" + string.Join(",", pending) + "]";
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(waiting.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private bool WebhookActive() => WebhookUrl.Length > 0;

    /// <summary>Telegram's 400 for a chat the bot cannot see: a group or channel the fake was not told about.</summary>
    private BotApiFault? Refusal(string method, Dictionary<string, string> fields)
    {
        if (method is not ("getChat" or "getChatMember")) return null;
        if (!fields.TryGetValue("chat_id", out var raw) || raw.Length == 0) return BotApiFault.Error(400, "Bad Request: chat_id is empty");
        if (!long.TryParse(raw, out var chatId)) return BotApiFault.Error(400, "Bad Request: chat not found");
        if (method == "getChatMember" && !(fields.TryGetValue("user_id", out var user) && long.TryParse(user, out _)))
            return BotApiFault.Error(400, "Bad Request: invalid user_id specified");
        // A -100… chat (channel or supergroup) the fake was not told about is one the bot is not in: Telegram
        // answers "chat not found" for it, as for a private channel the bot was never added to.
        return method == "getChat" && IsChannelId(chatId) && !_channels.ContainsKey(chatId)
            ? BotApiFault.Error(400, "Bad Request: chat not found")
            : null;
    }

    private static bool IsChannelId(long chatId) => chatId <= -1_000_000_000_000;

    private string Answer(BotApiCall call)
    {
        var chatId = call.ChatId ?? 0;
        return call.Method switch
        {
            "getMe" => $$"""
                {"id":{{BotId}},"is_bot":true,"first_name":"AotBot","username":"{{BotUsername}}","can_join_groups":true,
                 "can_read_all_group_messages":{{Flag(CanReadAllGroupMessages)}},"supports_inline_queries":{{Flag(SupportsInlineQueries)}},
                 "can_connect_to_business":false,"has_main_web_app":false}
                """,
            "getChat" => ChatInfo(chatId),
            "getChatMember" when _channels.TryGetValue(chatId, out var channel) && long.Parse(call["user_id"]!) == BotId =>
                ChannelMember(channel),
            "getChatMember" => ChatMember(chatId, long.Parse(call["user_id"] ?? "0")),
            "getWebhookInfo" => WebhookInfo(),
            "setWebhook" => SetWebhook(call["url"] ?? ""),
            "deleteWebhook" => SetWebhook(""),
            "sendMessage" => Message(chatId, $",\"text\":{JsonString(call["text"] ?? "")}"),
            "sendVideo" => Message(chatId, $",\"video\":{FileJson(call, "video", call.Sequence, "video")}"),
            "sendPhoto" => Message(chatId, $",\"photo\":{PhotoJson(FileIdFor(call["photo"], call.Sequence, "photo"))}"),
            "sendDocument" => Message(chatId, $",\"document\":{FileJson(call, "document", call.Sequence, "document")}"),
            "sendAudio" => Message(chatId, $",\"audio\":{FileJson(call, "audio", call.Sequence, "audio")}"),
            "sendMediaGroup" => "[" + string.Join(",", call.Media.Select((item, i) => AlbumItem(chatId, item, $"{call.Sequence}-{i}"))) + "]",
            "editMessageMedia" or "editMessageText" or "editMessageCaption" when call["inline_message_id"] is not null => "true",
            "editMessageText" => Message(chatId, $",\"text\":{JsonString(call["text"] ?? "")}"),
            _ => "true",
        };
    }

    private string ChatMember(long chatId, long userId)
    {
        var status = _members.GetValueOrDefault((chatId, userId), chatId > 0 && chatId == userId ? "member" : "member");
        var user = FakeUpdates.User(userId, null);
        return status switch
        {
            "creator" => $$"""{"status":"creator","user":{{user}},"is_anonymous":false}""",
            "administrator" => $$"""
                {"status":"administrator","user":{{user}},"can_be_edited":false,"is_anonymous":false,"can_manage_chat":true,
                 "can_delete_messages":true,"can_manage_video_chats":true,"can_restrict_members":true,"can_promote_members":false,
                 "can_change_info":true,"can_invite_users":true,"can_post_stories":false,"can_edit_stories":false,"can_delete_stories":false}
                """,
            "kicked" => $$"""{"status":"kicked","user":{{user}},"until_date":0}""",
            _ => $$"""{"status":"{{status}}","user":{{user}}}""",
        };
    }

    private static string Flag(bool value) => value ? "true" : "false";

    private string ChatInfo(long chatId)
    {
        var type = _channels.ContainsKey(chatId) ? "channel" : FakeUpdates.ChatType(chatId);
        var name = type == "private" ? "\"first_name\":\"User\"" : $"\"title\":\"{(type == "channel" ? "Channel" : "Group")} {chatId}\"";
        return $$"""
            {"id":{{chatId}},"type":"{{type}}",{{name}},"accent_color_id":0,"max_reaction_count":11,
             "accepted_gift_types":{"unlimited_gifts":false,"limited_gifts":false,"unique_gifts":false,"premium_subscription":false} }
            """;
    }

    private string ChannelMember(FakeChannel channel)
    {
        var bot = $$"""{"id":{{BotId}},"is_bot":true,"first_name":"AotBot","username":"{{BotUsername}}"}""";
        return channel.BotStatus switch
        {
            "administrator" => $$"""
                {"status":"administrator","user":{{bot}},"can_be_edited":false,"is_anonymous":false,"can_manage_chat":true,
                 "can_delete_messages":false,"can_manage_video_chats":false,"can_restrict_members":false,"can_promote_members":false,
                 "can_change_info":false,"can_invite_users":false,"can_post_stories":false,"can_edit_stories":false,"can_delete_stories":false,
                 "can_post_messages":{{Flag(channel.CanPostMessages)}},"can_edit_messages":{{Flag(channel.CanPostMessages)}}}
                """,
            var status => $$"""{"status":"{{status}}","user":{{bot}}}""",
        };
    }

    private string WebhookInfo() => $$"""{"url":{{JsonString(WebhookUrl)}},"has_custom_certificate":false,"pending_update_count":0}""";

    private string SetWebhook(string url)
    {
        WebhookUrl = url;
        return "true";
    }

    private string Message(long chatId, string content) =>
        $$"""{"message_id":{{Interlocked.Increment(ref _messageId)}},"date":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"chat":{{FakeUpdates.Chat(chatId)}}{{content}}}""";

    private string AlbumItem(long chatId, JsonElement item, string suffix)
    {
        var type = item.GetProperty("type").GetString();
        var fileId = FileIdFor(item.GetProperty("media").GetString(), suffix, type ?? "file");
        return type switch
        {
            "photo" => Message(chatId, $",\"photo\":{PhotoJson(fileId)}"),
            "video" => Message(chatId, $",\"video\":{{\"file_id\":\"{fileId}\",\"file_unique_id\":\"u{fileId}\",\"width\":720,\"height\":1280,\"duration\":1}}"),
            _ => Message(chatId, $",\"document\":{{\"file_id\":\"{fileId}\",\"file_unique_id\":\"u{fileId}\"}}"),
        };
    }

    private static string FileJson(BotApiCall call, string field, int sequence, string kind)
    {
        var fileId = FileIdFor(call[field], sequence, kind);
        return kind switch
        {
            "video" => $$"""{"file_id":"{{fileId}}","file_unique_id":"u{{fileId}}","width":{{call.Int("width") ?? 720}},"height":{{call.Int("height") ?? 1280}},"duration":{{call.Int("duration") ?? 1}}}""",
            "audio" => $$"""{"file_id":"{{fileId}}","file_unique_id":"u{{fileId}}","duration":{{call.Int("duration") ?? 1}}}""",
            _ => $$"""{"file_id":"{{fileId}}","file_unique_id":"u{{fileId}}","file_name":{{JsonString(call.File(field)?.FileName ?? "file")}}}""",
        };
    }

    private static string PhotoJson(string fileId) =>
        $$"""[{"file_id":"{{fileId}}-thumb","file_unique_id":"u{{fileId}}-t","width":90,"height":90},{"file_id":"{{fileId}}","file_unique_id":"u{{fileId}}","width":1080,"height":1440}]""";

    /// <summary>An upload gets a fresh file_id; a file_id comes back unchanged, as Telegram does.</summary>
    private static string FileIdFor(string? value, object suffix, string kind) =>
        BotApiCall.FileIdOf(value) ?? $"{kind}-{suffix}";

    private static string JsonString(string text) => JsonSerializer.Serialize(text, FakeJsonContext.Default.String);

    private void Record(BotApiCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static async Task ReplyAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record FakeChannel(string BotStatus, bool CanPostMessages);
}
