using System.Text.Json;
using AotBot.Core;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>What handling an update left running: its downloads and sends, which finish after the ordered part.</summary>
internal readonly record struct Handled(Task Work)
{
    public static Handled Done => new(Task.CompletedTask);
}

/// <summary>Handles one update: the ordered part runs while its chat waits, <see cref="Handled.Work"/> runs on.</summary>
internal interface IUpdateHandler
{
    Task<Handled> HandleAsync(Update update, CancellationToken cancellationToken);
}

/// <summary>
/// Takes updates into the <see cref="IUpdateQueue"/> (stored before the receiver confirms them: the getUpdates
/// offset moves, the webhook answers 200) and works the queue: claims what this instance may run (one chat at a time
/// across all instances, in order; chats concurrently), runs each claim's ordered part, lets the chat's next update
/// go, then finishes, retries or parks the claim. A heartbeat keeps its leases (claims and the users' jobs) and says
/// how many instances share Telegram's global message budget.
/// </summary>
internal sealed class UpdateDispatcher(IUpdateHandler handler, IUpdateQueue queue, Pacer pacer, BotMetrics metrics, TimeProvider time,
    ILogger<UpdateDispatcher> logger, InstanceName instance, IUserJobs jobs)
    : IDisposable
{
    /// <summary>Claims held at once by one instance; more wait in the store for this or another instance.</summary>
    internal const int MaxClaims = 64;

    /// <summary>How often the queue is looked at without a local reason (another instance's updates, expired leases, retries).</summary>
    internal static readonly TimeSpan ClaimInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan GraceAfterCancel = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, ClaimedUpdate> _running = [];
    // Updates held only in memory (the database was away when they came): the offset must not pass them.
    private readonly SortedSet<long> _volatile = [];
    private readonly CancellationTokenSource _work = new();
    private readonly CancellationTokenSource _loops = new();
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _progress = NewSignal();
    private TaskCompletionSource? _idle;
    private long _next;
    private bool _stopping;
    private bool _started;

    /// <summary>This process in the store's claims and heartbeats.</summary>
    public string Instance => instance.Value;

    /// <summary>Starts from the offset the store remembers, and starts working the queue.</summary>
    public void Start(long offset)
    {
        lock (_gate)
        {
            _next = Math.Max(_next, offset);
            if (_started) return;
            _started = true;
        }
        metrics.ObserveQueueDepth("updates", () => InProgress);
        _ = Task.Run(ClaimLoopAsync);
        _ = Task.Run(HeartbeatLoopAsync);
    }

    /// <summary>The getUpdates offset: one past the last update stored, or the lowest one only held in memory.</summary>
    public long NextOffset
    {
        get { lock (_gate) return _volatile.Count > 0 ? _volatile.Min : _next; }
    }

    /// <summary>Claims this instance is working on.</summary>
    public int InProgress
    {
        get { lock (_gate) return _running.Count; }
    }

    /// <summary>Stores the updates of a batch; returns how many were new (a known id is a no-op).</summary>
    public async Task<int> AcceptAsync(IReadOnlyList<IncomingUpdate> batch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stopping || batch.Count == 0) return 0;
        }
        var items = new List<QueuedUpdate>(batch.Count);
        var unreadable = new Dictionary<long, string>();
        foreach (var incoming in batch)
        {
            if (incoming.Update is { } update && LaneOf(update) is { } chat && incoming.Json is { } json)
            {
                items.Add(new QueuedUpdate(incoming.Id, chat, json));
                continue;
            }
            items.Add(new QueuedUpdate(incoming.Id, 0, null));
            unreadable[incoming.Id] = incoming.Error ?? "no chat or user to answer";
        }
        var newOffset = batch.Max(u => u.Id) + 1;
        var stored = await queue.EnqueueAsync(items, newOffset, cancellationToken);
        lock (_gate)
        {
            _next = Math.Max(_next, newOffset);
            if (!stored.Durable) _volatile.UnionWith(stored.Fresh.Where(id => !unreadable.ContainsKey(id)));
        }
        foreach (var id in stored.Fresh)
        {
            metrics.UpdateReceived();
            if (!unreadable.TryGetValue(id, out var error)) continue;
            logger.UpdateUnreadable(id, error);
            metrics.UpdateFailed();
        }
        Wake();
        return stored.Fresh.Count;
    }

    /// <summary>Waits until some update finishes, or <paramref name="atMost"/>.</summary>
    public async Task WaitForProgressAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task progress;
        lock (_gate) progress = _progress.Task;
        await Task.WhenAny(progress, Task.Delay(atMost, time, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Graceful stop: nothing more is claimed (what waits stays in the queue), claims in progress may finish until
    /// <paramref name="timeout"/> fires; then they are cancelled and go back to the queue.
    /// </summary>
    public async Task DrainAsync(CancellationToken timeout)
    {
        Task idle;
        int count;
        lock (_gate)
        {
            _stopping = true;
            count = _running.Count;
            if (count > 0)
            {
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                idle = _idle.Task;
            }
            else idle = Task.CompletedTask;
        }
        await _loops.CancelAsync();
        if (count == 0) return;
        logger.Draining(count);
        try
        {
            await idle.WaitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            logger.DrainTimedOut(InProgress);
            await _work.CancelAsync();
            await Task.WhenAny(idle, Task.Delay(GraceAfterCancel, time));
        }
    }

    public void Dispose()
    {
        _loops.Cancel();
        _work.Dispose();
        _loops.Dispose();
    }

    private async Task ClaimLoopAsync()
    {
        var token = _loops.Token;
        while (!token.IsCancellationRequested)
        {
            Task wake;
            int room;
            lock (_gate)
            {
                wake = _wake.Task;
                room = MaxClaims - _running.Count;
            }
            IReadOnlyList<ClaimedUpdate> claimed = [];
            try
            {
                if (room > 0) claimed = await queue.ClaimAsync(Instance, room, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.UpdateFailed(0, "claim", ex.GetType().Name, ex.Message);
            }
            foreach (var claim in claimed) Run(claim);
            if (claimed.Count > 0 && claimed.Count < room) continue;
            try
            {
                await Task.WhenAny(wake, Task.Delay(ClaimInterval, time, token));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Run(ClaimedUpdate claim)
    {
        lock (_gate)
        {
            if (!_stopping)
            {
                _running[claim.UpdateId] = claim;
                _ = Task.Run(() => RunAsync(claim));
                return;
            }
        }
        // Claimed while the bot began to stop: back to the queue for the next instance (or the next start).
        _ = queue.AbandonAsync(claim, Instance, CancellationToken.None);
    }

    private async Task RunAsync(ClaimedUpdate claim)
    {
        var outcome = Outcome.Lost;
        var finished = true;
        try
        {
            (outcome, var error) = await HandleAsync(claim);
            finished = await RecordAsync(claim, outcome, error);
        }
        catch (Exception ex)
        {
            // The queue's own failures: the claim's lease runs out and it is claimed again.
            logger.UpdateFailed(claim.UpdateId, "store", ex.GetType().Name, ex.Message);
        }
        lock (_gate)
        {
            _running.Remove(claim.UpdateId);
            if (finished) _volatile.Remove(claim.UpdateId);
            var progress = _progress;
            _progress = NewSignal();
            progress.TrySetResult();
            if (_running.Count == 0) _idle?.TrySetResult();
        }
        // Counted once the claim is off this instance's books: a scrape never sees an update handled and still in progress.
        if (outcome == Outcome.Handled) metrics.UpdateHandled();
        else if (outcome == Outcome.Failed) metrics.UpdateFailed();
        Wake();
    }

    /// <summary>How running a claim's handler ended; <see cref="Lost"/> when the queue itself failed first.</summary>
    private enum Outcome { Handled, Failed, Cancelled, Lost }

    /// <summary>Runs the claim's handler: its ordered part, then (the chat let go) its work.</summary>
    private async Task<(Outcome Outcome, string? Error)> HandleAsync(ClaimedUpdate claim)
    {
        var update = Parse(claim.Payload);
        Task work;
        try
        {
            work = update is null ? Task.CompletedTask : (await handler.HandleAsync(update, _work.Token)).Work;
            await queue.ReleaseChatAsync(claim, Instance, CancellationToken.None);
            Wake();
        }
        catch (Exception ex)
        {
            // The chat stays held: its next update must not overtake this one's retry.
            work = Task.FromException(ex);
        }
        try
        {
            await work;
            return (Outcome.Handled, null);
        }
        catch (OperationCanceledException) when (_work.IsCancellationRequested)
        {
            return (Outcome.Cancelled, null);
        }
        catch (ChatClosedException closed)
        {
            logger.ChatClosed(closed.ChatId, closed.Message);
            return (Outcome.Handled, null);
        }
        catch (Exception ex)
        {
            logger.UpdateFailed(claim.UpdateId, update?.Type.ToString() ?? "unknown", ex.GetType().Name, ex.Message);
            return (Outcome.Failed, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>Records the outcome in the queue; true when the update is finished (done or parked), false when it goes back.</summary>
    private async Task<bool> RecordAsync(ClaimedUpdate claim, Outcome outcome, string? error)
    {
        switch (outcome)
        {
            case Outcome.Cancelled:
                await queue.AbandonAsync(claim, Instance, CancellationToken.None);
                return false;
            case Outcome.Failed:
                if (!await queue.FailAsync(claim, Instance, error!, CancellationToken.None)) return false;
                logger.UpdateParked(claim.UpdateId, claim.Attempt, error!);
                return true;
            default:
                await queue.CompleteAsync(claim, Instance, CancellationToken.None);
                return true;
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var token = _loops.Token;
        var startedAt = time.GetUtcNow();
        while (!token.IsCancellationRequested)
        {
            try
            {
                var live = await queue.HeartbeatAsync(Instance, token);
                pacer.ShareGlobal(live);
                await jobs.RenewAsync(token);
                var counts = await queue.CountsAsync(token);
                metrics.SetUpdateQueue(counts.Depth, counts.Parked, live);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.UpdateFailed(0, "heartbeat", ex.GetType().Name, ex.Message);
            }
            try
            {
                var early = time.GetUtcNow() - startedAt < UpdateQueue.Lease;
                await Task.Delay(early ? UpdateQueue.StartupHeartbeatInterval : UpdateQueue.HeartbeatInterval, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Wake()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = NewSignal();
        }
        wake.TrySetResult();
    }

    private static Update? Parse(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return IncomingUpdate.Parse(document.RootElement)?.Update;
    }

    /// <summary>
    /// The chat whose order an update belongs to; inline updates follow their user. Null when the update lacks the
    /// chat or user it needs: Telegram.Bot reads such JSON without complaint, and a null there must not take down the
    /// dispatch of the batch or leave the update in the queue for ever.
    /// </summary>
    internal static long? LaneOf(Update update) => update switch
    {
        { Message: { } message } => message.Chat?.Id,
        { CallbackQuery: { } query } => query.Message?.Chat?.Id ?? query.From?.Id,
        { InlineQuery: { } query } => query.From?.Id,
        { ChosenInlineResult: { } chosen } => chosen.From?.Id,
        { MyChatMember: { } member } => member.Chat?.Id,
        _ => 0,
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
