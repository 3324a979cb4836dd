using System.Collections.Concurrent;
using System.Text.Json;
using AotBot.Storage;
using AotBot.Telegram;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.Logging.Abstractions;
using Telegram.Bot.Types;

namespace AotBot.Tests.Telegram;

public sealed class UpdateDispatcherSpecs
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeUpdates _updates = new();
    private readonly InMemoryBotStore _store = new(TimeProvider.System);

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

    private UpdateDispatcher Dispatcher(IUpdateHandler handler) =>
        new(handler, _store, new AotBot.Hosting.BotMetrics(TimeProvider.System), TimeProvider.System, NullLogger<UpdateDispatcher>.Instance);

    private IncomingUpdate Update(long id, string body) =>
        IncomingUpdate.Parse(JsonDocument.Parse($"{{\"update_id\":{id}," + body.Trim()[1..]).RootElement)!.Value;

    private IncomingUpdate Text(long id, long chat) => Update(id, _updates.Text(chat, Math.Abs(chat), "hi"));

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(5);
        }
    }

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
    public async Task The_offset_stays_at_the_lowest_update_in_progress_and_each_is_saved_once_its_work_is_done()
    {
        // Arrange
        var handler = new GatedHandler { GateWork = [10] };
        using var dispatcher = Dispatcher(handler);

        // Act
        await dispatcher.AcceptAsync([Text(10, 100), Text(11, 200)], default);
        await Eventually(() => _store.IsUpdateHandledAsync(11, default).Result, "update 11 was not saved");
        var offsetWhileBusy = dispatcher.NextOffset;
        var tenSavedEarly = await _store.IsUpdateHandledAsync(10, default);
        GatedHandler.Gate(handler.Work, 10).SetResult();
        await Eventually(() => _store.IsUpdateHandledAsync(10, default).Result, "update 10 was not saved");

        // Assert
        Assert.Equal(10, offsetWhileBusy);
        Assert.False(tenSavedEarly);
        await Eventually(() => dispatcher.NextOffset == 12, "the offset did not move past the batch");
        Assert.Equal(12, await _store.GetUpdateOffsetAsync(default));
    }

    [Fact]
    public async Task I_do_not_handle_an_update_twice_after_a_restart_or_a_redelivery()
    {
        // Arrange: before the restart 11 was finished while 10 was still in progress
        await _store.MarkUpdateHandledAsync(11, 10, default);
        var handler = new GatedHandler { GateWork = [10] };
        using var dispatcher = Dispatcher(handler);
        dispatcher.Start(await _store.GetUpdateOffsetAsync(default));

        // Act: Telegram redelivers 10 and 11, then 10 again while it is still in progress
        await dispatcher.AcceptAsync([Text(10, 100), Text(11, 100)], default);
        await dispatcher.AcceptAsync([Text(10, 100), Text(11, 100), Text(12, 100)], default);
        await Eventually(() => handler.Started.Contains(12), "update 12 never ran");

        // Assert
        Assert.Equal([10L, 12L], handler.Started.ToList());
        Assert.Equal(10, dispatcher.NextOffset);
    }

    [Fact]
    public async Task An_update_Telegram_Bot_cannot_read_is_skipped_saved_and_the_next_is_handled()
    {
        // Arrange
        var handler = new GatedHandler();
        using var dispatcher = Dispatcher(handler);
        var unreadable = Update(20, _updates.UnknownPolymorphicType(100, 100));

        // Act
        var fresh = await dispatcher.AcceptAsync([unreadable, Text(21, 100)], default);
        await Eventually(() => _store.IsUpdateHandledAsync(21, default).Result, "update 21 was not saved");

        // Assert
        Assert.Null(unreadable.Update);
        Assert.Contains("hologram", unreadable.Error);
        Assert.Equal(2, fresh);
        Assert.Equal([21L], handler.Started.ToList());
        Assert.True(await _store.IsUpdateHandledAsync(20, default));
        Assert.Equal(22, dispatcher.NextOffset);
    }

    [Fact]
    public async Task On_stop_work_in_progress_finishes_and_what_was_not_started_is_left_for_redelivery()
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
        Assert.True(await _store.IsUpdateHandledAsync(30, default));
        Assert.True(await _store.IsUpdateHandledAsync(31, default));
        Assert.False(await _store.IsUpdateHandledAsync(32, default));
        Assert.DoesNotContain(32L, handler.Started);
        Assert.Equal(0, dispatcher.InProgress);
    }

    [Fact]
    public async Task At_the_shutdown_timeout_work_is_cancelled_and_not_saved_as_handled()
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
        Assert.False(await _store.IsUpdateHandledAsync(40, default));
    }
}
