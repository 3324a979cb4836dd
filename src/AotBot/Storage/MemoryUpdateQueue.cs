namespace AotBot.Storage;

/// <summary>
/// <see cref="IUpdateQueue"/> in this process's memory, with the rules of the SQL one: what the bot works on while
/// its database is away (nothing here survives the process, so the getUpdates offset must not pass these updates),
/// and the queue of tests of other capabilities. One instance; finished updates are forgotten at once.
/// </summary>
internal sealed class MemoryUpdateQueue(TimeProvider time) : IUpdateQueue
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Entry> _open = [];
    private readonly HashSet<long> _finished = [];
    private long _parked;

    /// <summary>Whether the update is waiting or being worked on here.</summary>
    public bool Holds(long updateId)
    {
        lock (_gate) return _open.ContainsKey(updateId);
    }

    public Task<Enqueued> EnqueueAsync(IReadOnlyList<QueuedUpdate> updates, long newOffset, CancellationToken cancellationToken)
    {
        var fresh = new List<long>(updates.Count);
        lock (_gate)
        {
            foreach (var update in updates)
            {
                if (_open.ContainsKey(update.UpdateId) || _finished.Contains(update.UpdateId)) continue;
                fresh.Add(update.UpdateId);
                if (update.Payload is { } payload) _open[update.UpdateId] = new Entry(update.ChatId, payload);
                else _finished.Add(update.UpdateId);
            }
        }
        return Task.FromResult(new Enqueued(fresh, Durable: false));
    }

    public Task<IReadOnlyList<ClaimedUpdate>> ClaimAsync(string instance, int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimed = new List<ClaimedUpdate>();
        lock (_gate)
        {
            var blocked = new HashSet<long>();
            foreach (var (id, entry) in _open)
            {
                if (claimed.Count >= max) break;
                // A chat waits behind its earlier updates that are pending or in their ordered part.
                var chatFree = !blocked.Contains(entry.ChatId);
                if (entry.State is UpdateState.Pending or UpdateState.Claimed) blocked.Add(entry.ChatId);
                if (entry.State != UpdateState.Pending || entry.NotBefore > now || !chatFree) continue;
                entry.State = UpdateState.Claimed;
                entry.Attempts++;
                claimed.Add(new ClaimedUpdate(id, entry.ChatId, entry.Payload, entry.Attempts, Durable: false));
            }
        }
        return Task.FromResult<IReadOnlyList<ClaimedUpdate>>(claimed);
    }

    public Task ReleaseChatAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(update.UpdateId, out var entry)) entry.State = UpdateState.Working;
        }
        return Task.CompletedTask;
    }

    public Task CompleteAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken)
    {
        lock (_gate) Finish(update.UpdateId);
        return Task.CompletedTask;
    }

    public Task<bool> FailAsync(ClaimedUpdate update, string instance, string error, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(update.UpdateId, out var entry)) return Task.FromResult(false);
            if (entry.Attempts >= UpdateQueue.MaxAttempts)
            {
                Finish(update.UpdateId);
                _parked++;
                return Task.FromResult(true);
            }
            entry.State = UpdateState.Pending;
            entry.NotBefore = time.GetUtcNow() + UpdateQueue.RetryDelay;
            return Task.FromResult(false);
        }
    }

    public Task AbandonAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(update.UpdateId, out var entry))
            {
                entry.State = UpdateState.Pending;
                entry.Attempts--;
            }
        }
        return Task.CompletedTask;
    }

    public Task<int> HeartbeatAsync(string instance, CancellationToken cancellationToken) => Task.FromResult(1);

    public Task ReleaseAllClaimsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<QueueCounts> CountsAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(new QueueCounts(_open.Count, _parked, 1));
    }

    private void Finish(long updateId)
    {
        _open.Remove(updateId);
        _finished.Add(updateId);
    }

    private sealed class Entry(long chatId, string payload)
    {
        public long ChatId { get; } = chatId;
        public string Payload { get; } = payload;
        public UpdateState State { get; set; } = UpdateState.Pending;
        public int Attempts { get; set; }
        public DateTimeOffset NotBefore { get; set; }
    }
}
