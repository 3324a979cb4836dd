using System.Collections.Concurrent;
using System.Text.Json;
using AotBot.Storage;
using AotBot.Telegram;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telegram.Bot.Types;

namespace AotBot.Tests.Telegram;

/// <summary>
/// The dispatcher on a real queue (an SQLite file, as the default bot has): updates stored before they are
/// confirmed, claimed per chat in order, finished, retried, parked, or put back on stop.
/// </summary>
public sealed class UpdateDispatcherSpecs : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeUpdates _updates = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("aotbot-dispatcher-").FullName;
    private readonly SqliteDatabase _database;
    private readonly SqlBotStore _store;
    private readonly SqlUpdateQueue _queue;

    public UpdateDispatcherSpecs()
    {
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "aotbot.db")}");
        _store = new SqlBotStore(_database, TimeProvider.System, NullLogger<SqlBotStore>.Instance);
        _queue = new SqlUpdateQueue(_store, TimeProvider.System, NullLogger<SqlUpdateQueue>.Instance);
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A handler whose ordered part and background work each wait for the test to release them.</summary>
    private sealed class GatedHandler : IUpdateHandler
    {
        public ConcurrentQueue<long> Started { get; } = new();
        public ConcurrentDictionary<long, TaskCompletionSource> Ordered { get; } = new();
        public ConcurrentDictionary<long, TaskCompletionSource> Work { get; } = new();
        public ConcurrentDictionary<long, bool> SawCancellation { get; } = new();
        public HashSet<long> GateOrdered { get; init; } = [];
        public HashSet<long> GateWork { get; init; } = [];

        public async Task<Handled> HandleAsync(Update update, CancellationToken cancellationToken)
        {
            Started.Enqueue(update.Id);
            if (GateOrdered.Contains(update.Id)) await Gate(Ordered, update.Id).Task;
            if (!GateWork.Contains(update.Id)) return Handled.Done;
            var gate = Gate(Work, update.Id);
            return new Handled(WorkAsync(update.Id, gate, cancellationToken));
        }

        private async Task WorkAsync(long id, TaskCompletionSource gate, CancellationToken cancellationToken)
        {
            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation[id] = true;
                throw;
            }
        }

        public static TaskCompletionSource Gate(ConcurrentDictionary<long, TaskCompletionSource> gates, long id) =>
            gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>A handler that throws for the ids it is given, and counts every run.</summary>
    private sealed class FailingHandler(params long[] failing) : IUpdateHandler
    {
        public ConcurrentQueue<long> Started { get; } = new();

        public Task<Handled> HandleAsync(Update update, CancellationToken cancellationToken)
        {
            Started.Enqueue(update.Id);
            return failing.Contains(update.Id)
                ? Task.FromException<Handled>(new InvalidOperationException($"update {update.Id} breaks the handler"))
                : Task.FromResult(Handled.Done);
        }
    }

    private UpdateDispatcher Dispatcher(IUpdateHandler handler, IUpdateQueue? queue = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var dispatcher = new UpdateDispatcher(handler, queue ?? _queue, new Pacer(time), new AotBot.Core.BotMetrics(time), time,
            NullLogger<UpdateDispatcher>.Instance, InstanceName.New(), new MemoryUserJobs());
        dispatcher.Start(0);
        return dispatcher;
    }

    private IncomingUpdate Update(long id, string body) =>
        IncomingUpdate.Parse(JsonDocument.Parse($"{{\"update_id\":{id}," + body.Trim()[1..]).RootElement)!.Value;

    private IncomingUpdate Text(long id, long chat) => Update(id, _updates.Text(chat, Math.Abs(chat), "hi"));

    /// <summary>State and attempts of an update in the queue, or null when it is not stored.</summary>
    private async Task<(UpdateState State, int Attempts)?> RowAsync(long updateId)
    {
        await using var connection = await _database.OpenAsync(default);
        await using var command = connection.Command($"SELECT state, attempts FROM updates WHERE update_id = {updateId}");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ((UpdateState)reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(5);
        }
    }

    private static Task Eventually(Func<bool> condition, string what) => Eventually(() => Task.FromResult(condition()), what);

    [Fact]
    public async Task I_can_run_two_chats_at_once_while_each_chat_keeps_its_order()
    {
        // Arrange
        var handler = new GatedHandler { GateOrdered = [1] };
        using var dispatcher = Dispatcher(handler);

        // Act
        await dispatcher.AcceptAsync([Text(1, 100), Text(2, 100), Text(3, 200)], default);
        await Eventually(() => handler.Started.Contains(1) && handler.Started.Contains(3), "chat 200 did not run while chat 100 was busy");
        var startedWhileFirstBusy = handler.Started.ToList();
        GatedHandler.Gate(handler.Ordered, 1).SetResult();
        await Eventually(() => handler.Started.Contains(2), "the second update of chat 100 never ran");

        // Assert
        Assert.DoesNotContain(2L, startedWhileFirstBusy);
        Assert.True(handler.Started.ToList().IndexOf(1) < handler.Started.ToList().IndexOf(2));
    }

    [Fact]
    public async Task An_update_is_stored_before_it_is_confirmed_and_the_offset_moves_past_it_while_its_work_runs()
    {
        // Arrange
        var handler = new GatedHandler { GateWork = [10] };
        using var dispatcher = Dispatcher(handler);

        // Act
        await dispatcher.AcceptAsync([Text(10, 100), Text(11, 200)], default);
        var storedOnReturn = (await RowAsync(10), await RowAsync(11));
        var offsetOnReturn = dispatcher.NextOffset;
        await Eventually(async () => (await RowAsync(11))?.State == UpdateState.Done, "update 11 was not finished");
        // 10's ordered part ends on its own thread: another chat's update may be done before 10 is marked working.
        await Eventually(async () => (await RowAsync(10))?.State == UpdateState.Working, "update 10 was not marked working while its work ran");
        var tenWhileWorking = await RowAsync(10);
        GatedHandler.Gate(handler.Work, 10).SetResult();
        await Eventually(async () => (await RowAsync(10))?.State == UpdateState.Done, "update 10 was not finished");

        // Assert
        Assert.NotNull(storedOnReturn.Item1);
        Assert.NotNull(storedOnReturn.Item2);
        Assert.Equal(12, offsetOnReturn);
        Assert.Equal(12, await _store.GetUpdateOffsetAsync(default));
        Assert.Equal(UpdateState.Working, tenWhileWorking?.State);
    }

    [Fact]
    public async Task I_do_not_handle_an_update_twice_when_it_is_delivered_again()
    {
        // Arrange
        var handler = new GatedHandler { GateWork = [10] };
        using var dispatcher = Dispatcher(handler);

        // Act: Telegram redelivers 10 and 11, then 10 again while it is still in progress
        var first = await dispatcher.AcceptAsync([Text(10, 100), Text(11, 100)], default);
        var again = await dispatcher.AcceptAsync([Text(10, 100), Text(11, 100), Text(12, 100)], default);
        await Eventually(() => handler.Started.Contains(12), "update 12 never ran");
        GatedHandler.Gate(handler.Work, 10).SetResult();
        await Eventually(async () => (await RowAsync(10))?.State == UpdateState.Done, "update 10 was not finished");

        // Assert
        Assert.Equal((2, 1), (first, again));
        Assert.Equal([10L, 11L, 12L], handler.Started.ToList());
    }

    [Fact]
    public async Task An_update_Telegram_Bot_cannot_read_is_stored_as_done_and_the_next_is_handled()
    {
        // Arrange
        var handler = new GatedHandler();
        using var dispatcher = Dispatcher(handler);
        var unreadable = Update(20, _updates.UnknownPolymorphicType(100, 100));

        // Act
        var fresh = await dispatcher.AcceptAsync([unreadable, Text(21, 100)], default);
        await Eventually(async () => (await RowAsync(21))?.State == UpdateState.Done, "update 21 was not finished");

        // Assert
        Assert.Null(unreadable.Update);
        Assert.Contains("hologram", unreadable.Error);
        Assert.Equal(2, fresh);
        Assert.Equal([21L], handler.Started.ToList());
        Assert.Equal(UpdateState.Done, (await RowAsync(20))?.State);
        Assert.Equal(22, dispatcher.NextOffset);
    }

    [Fact]
    public async Task An_update_whose_handling_keeps_failing_is_tried_three_times_then_parked_and_its_chat_goes_on()
    {
        // Arrange: fake time, so the retry delay passes when the spec says.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queue = new SqlUpdateQueue(_store, time, NullLogger<SqlUpdateQueue>.Instance);
        var handler = new FailingHandler(50);
        using var dispatcher = Dispatcher(handler, queue, time);

        // Act
        await dispatcher.AcceptAsync([Text(50, 100), Text(51, 100)], default);
        for (var step = 0; step < 200 && !handler.Started.Contains(51); step++)
        {
            await Task.Delay(20);
            time.Advance(UpdateQueue.RetryDelay / 4);
        }

        // Assert
        Assert.Equal([50L, 50L, 50L, 51L], handler.Started.ToList());
        Assert.Equal((UpdateState.Parked, 3), await RowAsync(50));
        await Eventually(async () => (await RowAsync(51))?.State == UpdateState.Done, "update 51 was not finished");
    }

    [Fact]
    public async Task While_the_database_is_away_updates_wait_in_memory_and_the_offset_stays_below_those_in_progress()
    {
        // Arrange
        var handler = new GatedHandler { GateWork = [10] };
        using var dispatcher = Dispatcher(handler, new MemoryUpdateQueue(TimeProvider.System));

        // Act
        await dispatcher.AcceptAsync([Text(10, 100), Text(11, 200)], default);
        await Eventually(() => handler.Started.Contains(11) && dispatcher.InProgress == 1, "update 11 did not finish");
        var offsetWhileBusy = dispatcher.NextOffset;
        GatedHandler.Gate(handler.Work, 10).SetResult();
        await Eventually(() => dispatcher.NextOffset == 12, "the offset did not move past the batch");

        // Assert
        Assert.Equal(10, offsetWhileBusy);
    }

    [Fact]
    public async Task On_stop_work_in_progress_finishes_and_what_was_not_started_stays_in_the_queue()
    {
        // Arrange
        var handler = new GatedHandler { GateWork = [30], GateOrdered = [31] };
        using var dispatcher = Dispatcher(handler);
        await dispatcher.AcceptAsync([Text(30, 100), Text(31, 200), Text(32, 200)], default);
        await Eventually(() => handler.Started.Contains(30) && handler.Started.Contains(31), "the updates did not start");

        // Act
        var draining = dispatcher.DrainAsync(new CancellationTokenSource(Patience).Token);
        GatedHandler.Gate(handler.Ordered, 31).SetResult();
        GatedHandler.Gate(handler.Work, 30).SetResult();
        await draining;

        // Assert
        Assert.Equal(UpdateState.Done, (await RowAsync(30))?.State);
        Assert.Equal(UpdateState.Done, (await RowAsync(31))?.State);
        Assert.Equal((UpdateState.Pending, 0), await RowAsync(32));
        Assert.DoesNotContain(32L, handler.Started);
        Assert.Equal(0, dispatcher.InProgress);
    }

    [Fact]
    public async Task At_the_shutdown_timeout_work_is_cancelled_and_goes_back_to_the_queue_uncounted()
    {
        // Arrange
        var handler = new GatedHandler { GateWork = [40] };
        using var dispatcher = Dispatcher(handler);
        await dispatcher.AcceptAsync([Text(40, 100)], default);
        await Eventually(() => handler.Started.Contains(40), "update 40 did not start");

        // Act
        await dispatcher.DrainAsync(new CancellationToken(canceled: true));

        // Assert
        Assert.True(handler.SawCancellation.ContainsKey(40));
        await Eventually(async () => (await RowAsync(40)) == (UpdateState.Pending, 0), "update 40 did not go back to the queue");
    }
}
