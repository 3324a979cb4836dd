using System.Text;
using AotBot.Core;
using AotBot.Hosting;
using AotBot.Storage;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

/// <summary>
/// The real host (AotBotHost.CreateBuilder) started in-process against a <see cref="FakeBotApi"/>, with its log output
/// captured. Settings and service replacements (fake time, a shared store) come from the test.
/// </summary>
internal sealed class BotHarness : IAsyncDisposable
{
    private readonly bool _ownsApi;
    private readonly string _folder;

    private BotHarness(FakeBotApi api, IHost host, LogCapture logs, bool ownsApi, string folder)
    {
        _folder = folder;
        Api = api;
        Host = host;
        Logs = logs;
        _ownsApi = ownsApi;
    }

    public FakeBotApi Api { get; }
    public IHost Host { get; }
    public LogCapture Logs { get; }
    public FakeUpdates Updates => Api.Updates;
    public IBotStore Store => Host.Services.GetRequiredService<IBotStore>();

    public static async Task<BotHarness> StartAsync(
        IEnumerable<string>? settings = null, Action<IServiceCollection>? services = null, FakeBotApi? api = null,
        string startedWhen = "getUpdates")
    {
        var ownsApi = api is null;
        api ??= await FakeBotApi.StartAsync();
        var logs = new LogCapture();
        var folder = Directory.CreateTempSubdirectory("aotbot-bot-").FullName;
        string[] args =
        [
            $"--Storage:ConnectionString=Data Source={Path.Combine(folder, "bot.db")}",
            $"--Telegram:Token={api.Token}",
            $"--Telegram:ApiBaseUrl={api.BaseUrl}",
            "--Logging:LogLevel:Default=Debug",
            "--Hosting:ShutdownTimeout=00:00:05",
            .. settings ?? [],
        ];
        var builder = AotBotHost.CreateBuilder(args, logs);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        // Started: the first long poll is waiting (webhook mode: the webhook is set).
        try
        {
            await api.WaitForCallsAsync(startedWhen, 1);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nLogs:\n" + logs.Text, ex);
        }
        return new BotHarness(api, host, logs, ownsApi, folder);
    }

    private static async Task<bool> Finished(System.Data.Common.DbConnection connection, long updateId)
    {
        await using var command = connection.Command($"SELECT state FROM updates WHERE update_id = {updateId}");
        return await command.ScalarInt64Async(default) is (long)UpdateState.Done or (long)UpdateState.Parked;
    }

    /// <summary>
    /// Waits until the update and all before it are finished (done or parked) in the bot's queue. Telegram sees an update confirmed as
    /// soon as it is stored, before it is handled, so a confirmation says nothing about the replies.
    /// </summary>
    public async Task WaitForHandledAsync(long updateId, TimeSpan? timeout = null)
    {
        var database = Host.Services.GetRequiredService<SqlDatabase>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            await using (var connection = await database.OpenAsync(default))
            {
                // As a confirmation did: this update and every one before it.
                await using var last = connection.Command($"SELECT COUNT(*) FROM updates WHERE update_id <= {updateId} AND state IN (0, 1, 2)");
                if (await last.ScalarInt64Async(default) == 0 && await Finished(connection, updateId)) return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"update {updateId} was not handled in time.\nLogs:\n{Logs.Text}");
            await Task.Delay(10);
        }
    }

    /// <summary>The harness on a <see cref="FakeTimeProvider"/> that the test moves by hand.</summary>
    public static async Task<(BotHarness Bot, FakeTimeProvider Time)> StartWithFakeTimeAsync(IEnumerable<string>? settings = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bot = await StartAsync(settings, services: s => s.AddSingleton<TimeProvider>(time));
        return (bot, time);
    }

    /// <summary>Waits (real time, polling) until <paramref name="condition"/> holds; <paramref name="what"/> names it in the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen in time.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Moves fake time forward a step at a time (letting the bot react between steps) until <paramref name="done"/>;
    /// returns how far it moved. The bot's timers start at moments the test cannot see, so one big jump could land early.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan step, TimeSpan? limit = null)
    {
        var moved = TimeSpan.Zero;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!done())
        {
            if (moved > (limit ?? TimeSpan.FromMinutes(10)) || DateTime.UtcNow > deadline)
                throw new TimeoutException($"Still waiting after {moved} of fake time.");
            time.Advance(step);
            moved += step;
            await Task.Delay(20);
        }
        return moved;
    }

    /// <summary>Stops the host (flushing its logs) and returns what it logged.</summary>
    public async Task<string> StopAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        return Logs.Text;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }
        Host.Dispose();
        if (_ownsApi) await Api.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A write-only stream that keeps what the logger wrote.</summary>
internal sealed class LogCapture : Stream
{
    private readonly MemoryStream _buffer = new();
    private readonly Lock _gate = new();

    public string Text
    {
        get { lock (_gate) return Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length); }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_gate) _buffer.Write(buffer, offset, count);
    }

    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    // The host disposes its log stream on shutdown; the text stays readable.
    protected override void Dispose(bool disposing) { }
}
