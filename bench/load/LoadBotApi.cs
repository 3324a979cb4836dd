using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AotBot.Testing.FakeBotApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace AotBot.Bench.Load;

/// <summary>A Kestrel on 127.0.0.1 and a free port with one handler.</summary>
internal static class Loopback
{
    public static async Task<(WebApplication App, Uri BaseUrl)> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address.TrimEnd('/')));
    }
}

/// <summary>
/// The Bot API side of the load test. Unlike the tests' FakeBotApi it keeps no uploaded bytes (it counts them and
/// checks each photo starts like a JPEG), delays every message-sending call by a fixed time (Telegram's own latency),
/// and attributes each call to the <see cref="Job"/> it answers: by <c>reply_parameters</c>, callback query id or the
/// message a deleteMessage names. A job ends with its last answer: the video, the slideshow's caption, the
/// callback answer after the audio, or a text that is not the "converting" notice (an error).
/// </summary>
internal sealed class LoadBotApi : IAsyncDisposable
{
    public const string Token = FakeBotApi.DefaultToken;

    private static readonly HashSet<string> s_delayed =
        ["sendMessage", "sendVideo", "sendDocument", "sendPhoto", "sendAudio", "sendMediaGroup", "deleteMessage", "answerCallbackQuery"];

    private readonly JobBook _jobs;
    private readonly TimeSpan _delay;
    private readonly string _processingText;
    private readonly Lock _gate = new();
    private readonly List<(long Id, string Json)> _updates = [];
    private readonly ConcurrentDictionary<string, int> _methods = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<long> _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = NewSignal();
    private WebApplication _app = null!;
    private long _nextUpdateId = 1000;
    private long _confirmed;
    private int _messageId = 1_000_000;
    private long _uploadBytes;
    private int _notJpegPhotos;
    private int _unattributed;

    private LoadBotApi(JobBook jobs, TimeSpan delay, string processingText)
    {
        _jobs = jobs;
        _delay = delay;
        _processingText = processingText;
    }

    public static async Task<LoadBotApi> StartAsync(JobBook jobs, TimeSpan delay, string processingText)
    {
        var api = new LoadBotApi(jobs, delay, processingText);
        (api._app, api.BaseUrl) = await Loopback.StartAsync(api.HandleAsync);
        return api;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public FakeUpdates Updates { get; } = new();

    /// <summary>Stopwatch timestamp of the first getUpdates.</summary>
    public Task<long> FirstPoll => _firstPoll.Task;

    public long UploadBytes => Interlocked.Read(ref _uploadBytes);

    /// <summary>Photos uploaded that do not start with a JPEG's SOI marker (the converter's output must).</summary>
    public int NotJpegPhotos => Volatile.Read(ref _notJpegPhotos);

    /// <summary>Message-sending calls no job could be found for.</summary>
    public int Unattributed => Volatile.Read(ref _unattributed);

    public IReadOnlyDictionary<string, int> Methods => _methods;

    /// <summary>Queues updates for getUpdates (one batch if several) and marks their jobs' start.</summary>
    public void Enqueue(params (Job Job, string Body)[] updates)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var (job, body) in updates)
            {
                var id = ++_nextUpdateId;
                _updates.Add((id, $"{{\"update_id\":{id}," + body.Trim()[1..]));
                job.QueuedAt = now;
            }
            Signal();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        if (!path.StartsWith("/bot" + Token + "/", StringComparison.Ordinal) || slash < 0)
        {
            await ReplyAsync(context, 404, """{"ok":false,"error_code":404,"description":"Not Found"}""");
            return;
        }
        var method = path[(slash + 1)..];
        _methods.AddOrUpdate(method, 1, (_, n) => n + 1);
        var call = await ReadAsync(context.Request);
        if (method == "getUpdates")
        {
            _firstPoll.TrySetResult(Stopwatch.GetTimestamp());
            await ReplyAsync(context, 200, "{\"ok\":true,\"result\":" + await GetUpdatesAsync(call, context.RequestAborted) + "}");
            return;
        }

        var job = JobOf(method, call);
        if (s_delayed.Contains(method))
        {
            if (job is null) Interlocked.Increment(ref _unattributed);
            var from = Stopwatch.GetTimestamp();
            await Task.Delay(_delay);
            job?.AddDelay(from, Stopwatch.GetTimestamp());
        }
        var result = Answer(method, call, job);
        await ReplyAsync(context, 200, "{\"ok\":true,\"result\":" + result + "}");
        if (job is not null) Observe(method, call, job);
    }

    private Job? JobOf(string method, Call call)
    {
        if (call.Fields.TryGetValue("reply_parameters", out var reply)
            && JsonDocument.Parse(reply).RootElement.TryGetProperty("message_id", out var replyTo))
            return _jobs.ForReply(replyTo.GetInt32());
        if (call.Fields.TryGetValue("callback_query_id", out var query)) return _jobs.ForCallback(query);
        if (method == "deleteMessage" && int.TryParse(call.Fields.GetValueOrDefault("message_id"), out var deleted))
            return _jobs.ForBotMessage(deleted);
        return null;
    }

    /// <summary>Counts photos and ends the job on its last answer.</summary>
    private void Observe(string method, Call call, Job job)
    {
        var now = Stopwatch.GetTimestamp();
        switch (method)
        {
            case "sendMediaGroup":
                job.AddPhotos(JsonDocument.Parse(call.Fields["media"]).RootElement.EnumerateArray()
                    .Count(item => item.GetProperty("type").GetString() == "photo"));
                break;
            case "sendPhoto":
                job.AddPhotos(1);
                break;
            case "sendAudio":
                job.MarkAudioSent();
                // The button's callback is answered (empty) before the audio: the audio is the music press's answer.
                if (job.Kind == JobKind.Music) job.Answer(now, "ok");
                break;
            case "sendVideo" or "sendDocument" when job.Kind == JobKind.Video:
                job.Answer(now, "ok");
                break;
            case "sendMessage":
                var text = call.Fields.GetValueOrDefault("text") ?? "";
                if (text == _processingText) break;
                var caption = job.Kind == JobKind.Slideshow && (call.Fields.GetValueOrDefault("reply_markup") ?? "").Contains("music_", StringComparison.Ordinal);
                job.Answer(now, caption ? "ok" : text);
                break;
            case "answerCallbackQuery" when job.Kind == JobKind.Music:
                // Empty: the audio (or a failure message) follows; a text here is an answer of its own.
                if (call.Fields.GetValueOrDefault("text") is { Length: > 0 } failure) job.Answer(now, failure);
                break;
        }
    }

    private string Answer(string method, Call call, Job? job)
    {
        var chat = long.TryParse(call.Fields.GetValueOrDefault("chat_id"), out var id) ? id : 0;
        string Message(string content)
        {
            var messageId = Interlocked.Increment(ref _messageId);
            if (job is not null) _jobs.BotMessage(messageId, job);
            return $$"""{"message_id":{{messageId}},"date":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"chat":{{FakeUpdates.Chat(chat)}}{{content}}}""";
        }
        string File(string kind) => $"{kind}-{Interlocked.Increment(ref _messageId)}";
        string Photo() => $$"""[{"file_id":"{{File("photo")}}","file_unique_id":"u","width":1080,"height":1440}]""";

        return method switch
        {
            "getMe" => $$"""{"id":{{Token[..Token.IndexOf(':')]}},"is_bot":true,"first_name":"AotBot","username":"{{FakeBotApi.BotUsername}}","can_join_groups":true,"supports_inline_queries":true}""",
            "sendMessage" => Message(",\"text\":\"ok\""),
            "sendVideo" => Message($$""","video":{"file_id":"{{File("video")}}","file_unique_id":"u","width":576,"height":1024,"duration":15}"""),
            "sendDocument" => Message($$""","document":{"file_id":"{{File("document")}}","file_unique_id":"u"}"""),
            "sendAudio" => Message($$""","audio":{"file_id":"{{File("audio")}}","file_unique_id":"u","duration":15}"""),
            "sendPhoto" => Message(",\"photo\":" + Photo()),
            "sendMediaGroup" => "[" + string.Join(",", JsonDocument.Parse(call.Fields["media"]).RootElement.EnumerateArray()
                .Select(item => item.GetProperty("type").GetString() == "photo"
                    ? Message(",\"photo\":" + Photo())
                    : Message($$""","document":{"file_id":"{{File("document")}}","file_unique_id":"u"}"""))) + "]",
            _ => "true",
        };
    }

    private async Task<string> GetUpdatesAsync(Call call, CancellationToken aborted)
    {
        var (offset, timeout, limit) = GetUpdatesRequest.Parse(call.Fields);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        waiting.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                // Telegram forgets updates below the offset asked for: they are confirmed.
                if (offset > _confirmed)
                {
                    _updates.RemoveAll(u => u.Id < offset);
                    _confirmed = offset;
                }
                var pending = _updates.Where(u => u.Id >= offset).Take(limit).Select(u => u.Json).ToList();
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

    private sealed record Call(Dictionary<string, string> Fields);

    /// <summary>JSON or multipart parameters; file parts are drained, counted and checked, never kept.</summary>
    private async Task<Call> ReadAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasJsonContentType())
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            foreach (var property in document.RootElement.EnumerateObject())
                fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
        else if (request.ContentType is { } type && type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(type).Boundary).Value!;
            var reader = new MultipartReader(boundary, request.Body);
            var buffer = new byte[64 * 1024];
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
                {
                    long length = 0;
                    var first = new byte[2];
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer)) > 0)
                    {
                        if (length < 2) buffer.AsSpan(0, Math.Min(read, (int)(2 - length))).CopyTo(first.AsSpan((int)length));
                        length += read;
                    }
                    Interlocked.Add(ref _uploadBytes, length);
                    var photo = request.Path.Value!.EndsWith("/sendMediaGroup", StringComparison.Ordinal) || request.Path.Value.EndsWith("/sendPhoto", StringComparison.Ordinal);
                    if (photo && (first[0] != 0xFF || first[1] != 0xD8)) Interlocked.Increment(ref _notJpegPhotos);
                }
                else
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    fields[name] = await text.ReadToEndAsync();
                }
            }
        }
        else if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync()) fields[key] = value.ToString();
        }
        foreach (var (key, value) in request.Query) fields[key] = value.ToString();
        return new Call(fields);
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static async Task ReplyAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
