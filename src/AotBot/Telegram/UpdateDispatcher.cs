using AotBot.Hosting;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>What handling an update left running: its downloads and sends, which finish after the ordered part.</summary>
internal readonly record struct Handled(Task Work)
{
    public static Handled Done => new(Task.CompletedTask);
}

/// <summary>Handles one update: the ordered part runs in the chat's lane, <see cref="Handled.Work"/> runs on.</summary>
internal interface IUpdateHandler
{
    Task<Handled> HandleAsync(Update update, CancellationToken cancellationToken);
}

/// <summary>
/// Runs updates: one lane per chat (updates of a chat in order, chats concurrently), then marks each handled in
/// <see cref="IBotStore"/> once its work is done. The offset it gives the receiver is the lowest update still in
/// progress, so Telegram redelivers unfinished updates after a crash; updates finished before a restart are
/// recognised and dropped.
/// </summary>
internal sealed class UpdateDispatcher(IUpdateHandler handler, IBotStore store, BotMetrics metrics, TimeProvider time,
    ILogger<UpdateDispatcher> logger)
    : IDisposable
{
    private static readonly TimeSpan GraceAfterCancel = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly SortedSet<long> _inProgress = [];
    private readonly Dictionary<long, Queue<(long Id, Update Update)>> _lanes = [];
    private readonly CancellationTokenSource _work = new();
    private TaskCompletionSource _progress = NewSignal();
    private TaskCompletionSource? _idle;
    private long _next;
    private bool _stopping;

    /// <summary>Starts from the offset the store remembers.</summary>
    public void Start(long offset)
    {
        lock (_gate) _next = Math.Max(_next, offset);
        metrics.ObserveQueueDepth("updates", () => InProgress);
    }

    /// <summary>The getUpdates offset: the lowest update in progress, else one past the last seen.</summary>
    public long NextOffset
    {
        get { lock (_gate) return Offset(); }
    }

    public int InProgress
    {
        get { lock (_gate) return _inProgress.Count; }
    }

    /// <summary>Dispatches the updates of a batch not seen before; returns how many.</summary>
    public async Task<int> AcceptAsync(IReadOnlyList<IncomingUpdate> batch, CancellationToken cancellationToken)
    {
        var fresh = 0;
        foreach (var incoming in batch)
        {
            lock (_gate)
            {
                // Below _next: in progress or finished in this process (Telegram redelivers until confirmed).
                if (_stopping || incoming.Id < _next) continue;
            }
            var handledBefore = await store.IsUpdateHandledAsync(incoming.Id, cancellationToken);
            lock (_gate)
            {
                _next = Math.Max(_next, incoming.Id + 1);
                if (handledBefore) continue;
                _inProgress.Add(incoming.Id);
            }
            fresh++;
            metrics.UpdateReceived();
            if (incoming.Update is { } update && LaneOf(update) is { } lane)
            {
                Enqueue(lane, incoming.Id, update);
            }
            else
            {
                logger.UpdateUnreadable(incoming.Id, incoming.Error ?? "no chat or user to answer");
                metrics.UpdateFailed();
                await FinishAsync(incoming.Id, markHandled: true);
            }
        }
        return fresh;
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
    /// Graceful stop: updates not started yet are left for redelivery, work in progress may finish until
    /// <paramref name="timeout"/> fires; then it is cancelled (and redelivered after the restart).
    /// </summary>
    public async Task DrainAsync(CancellationToken timeout)
    {
        Task idle;
        int count;
        lock (_gate)
        {
            _stopping = true;
            foreach (var queue in _lanes.Values)
            {
                while (queue.TryDequeue(out var queued)) _inProgress.Remove(queued.Id);
            }
            count = _inProgress.Count;
            if (count == 0) return;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }
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

    public void Dispose() => _work.Dispose();

    private void Enqueue(long lane, long id, Update update)
    {
        lock (_gate)
        {
            if (_lanes.TryGetValue(lane, out var running))
            {
                running.Enqueue((id, update));
                return;
            }
            _lanes[lane] = new Queue<(long, Update)>([(id, update)]);
        }
        _ = Task.Run(() => RunLaneAsync(lane));
    }

    private async Task RunLaneAsync(long lane)
    {
        while (true)
        {
            (long Id, Update Update) next;
            lock (_gate)
            {
                if (!_lanes[lane].TryDequeue(out next))
                {
                    _lanes.Remove(lane);
                    return;
                }
            }
            var work = await HandleOrderedPartAsync(next.Id, next.Update);
            _ = FinishAfterAsync(next.Id, next.Update, work);
        }
    }

    private async Task<Task> HandleOrderedPartAsync(long id, Update update)
    {
        try
        {
            return (await handler.HandleAsync(update, _work.Token)).Work;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private async Task FinishAfterAsync(long id, Update update, Task work)
    {
        try
        {
            await work;
            metrics.UpdateHandled();
        }
        catch (OperationCanceledException) when (_work.IsCancellationRequested)
        {
            await FinishAsync(id, markHandled: false);
            return;
        }
        catch (ChatClosedException closed)
        {
            logger.ChatClosed(closed.ChatId, closed.Message);
            metrics.UpdateHandled();
        }
        catch (Exception ex)
        {
            logger.UpdateFailed(id, update.Type.ToString(), ex.GetType().Name, ex.Message);
            metrics.UpdateFailed();
        }
        await FinishAsync(id, markHandled: true);
    }

    private async Task FinishAsync(long id, bool markHandled)
    {
        if (markHandled)
        {
            long offset;
            // The lowest other update in progress (the set is sorted), else one past the last seen.
            lock (_gate) offset = _inProgress.FirstOrDefault(i => i != id, _next);
            try
            {
                // Stored before it leaves _inProgress: a crash in between redelivers it rather than losing it.
                await store.MarkUpdateHandledAsync(id, offset, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.UpdateFailed(id, "store", ex.GetType().Name, ex.Message);
            }
        }
        lock (_gate)
        {
            _inProgress.Remove(id);
            var progress = _progress;
            _progress = NewSignal();
            progress.TrySetResult();
            if (_inProgress.Count == 0) _idle?.TrySetResult();
        }
    }

    private long Offset() => _inProgress.Count > 0 ? _inProgress.Min : _next;

    /// <summary>
    /// The chat whose order an update belongs to; inline updates follow their user. Null when the update lacks the
    /// chat or user it needs: Telegram.Bot reads such JSON without complaint, and a null there must not take down the
    /// dispatch of the batch or leave the update in progress for ever (the offset would never move past it).
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
