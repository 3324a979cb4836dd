namespace AotBot.Storage;

/// <summary>Where an update is in the queue; stored as its number.</summary>
internal enum UpdateState
{
    /// <summary>Stored, not claimed (or back after a failure, claimable from its lease time on).</summary>
    Pending = 0,

    /// <summary>An instance runs its ordered part: later updates of the chat wait.</summary>
    Claimed = 1,

    /// <summary>Its ordered part is done and its work (downloads, sends) runs on: the chat's next update may start.</summary>
    Working = 2,

    Done = 3,

    /// <summary>Failed <see cref="UpdateQueue.MaxAttempts"/> times; kept with its error, never retried.</summary>
    Parked = 4,
}

/// <summary>An update as received: <see cref="Payload"/> is its JSON, null when it could not be read (stored as done).</summary>
internal sealed record QueuedUpdate(long UpdateId, long ChatId, string? Payload);

/// <summary>An update this instance claimed; <see cref="Attempt"/> counts this claim; not durable when kept in memory.</summary>
internal sealed record ClaimedUpdate(long UpdateId, long ChatId, string Payload, int Attempt, bool Durable = true);

/// <summary>What an enqueue stored: the ids new to the queue, and whether they are in the database (else in memory).</summary>
internal sealed record Enqueued(IReadOnlyList<long> Fresh, bool Durable);

/// <summary>Updates stored and not finished, updates parked, instances with a recent heartbeat.</summary>
internal sealed record QueueCounts(long Depth, long Parked, int LiveInstances);

/// <summary>Limits every queue shares.</summary>
internal static class UpdateQueue
{
    /// <summary>Claims of an update before it is parked (a crash during a claim counts as one).</summary>
    public const int MaxAttempts = 3;

    /// <summary>A claim not renewed for this long belonged to a dead instance and may be taken over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How often an instance renews its claims and says it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The heartbeat's pace for the first <see cref="Lease"/> after start: instances started together (a deploy, a compose
    /// up) each count only those that beat before them, so each would send at too large a share of Telegram's budget
    /// until the next beat; beating often at first lets them agree within seconds.
    /// </summary>
    public static readonly TimeSpan StartupHeartbeatInterval = TimeSpan.FromSeconds(2);

    /// <summary>A failed update waits this long before it is claimed again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Telegram keeps an unconfirmed update for 24 hours; finished ones are kept twice as long.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);
}

/// <summary>
/// The durable intake of updates, shared by every instance on the database: an update is stored before it is
/// confirmed to Telegram, claimed by one instance at a time, one chat's updates in order, with a lease that another
/// instance takes over when its holder dies.
/// </summary>
internal interface IUpdateQueue
{
    /// <summary>
    /// Stores the updates (a known id is left as it is) and moves the stored getUpdates offset forward to
    /// <paramref name="newOffset"/> in the same transaction.
    /// </summary>
    Task<Enqueued> EnqueueAsync(IReadOnlyList<QueuedUpdate> updates, long newOffset, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> updates for <paramref name="instance"/>: the oldest open update of each chat
    /// no other instance holds, and any update whose claim lease ran out. Parks those out of attempts first.
    /// </summary>
    Task<IReadOnlyList<ClaimedUpdate>> ClaimAsync(string instance, int max, CancellationToken cancellationToken);

    /// <summary>The update's ordered part is done: the next update of its chat may be claimed.</summary>
    Task ReleaseChatAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken);

    Task CompleteAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken);

    /// <summary>Records the failure; returns true when the update is parked (out of attempts), else it is retried later.</summary>
    Task<bool> FailAsync(ClaimedUpdate update, string instance, string error, CancellationToken cancellationToken);

    /// <summary>Stopping: the update goes back to the queue and the claim does not count as an attempt.</summary>
    Task AbandonAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken);

    /// <summary>Renews the instance's leases and its heartbeat; returns the instances alive now (this one included).</summary>
    Task<int> HeartbeatAsync(string instance, CancellationToken cancellationToken);

    /// <summary>
    /// A process starting on a database only it may use (SQLite) releases every claim left by the one before it,
    /// rather than waiting for their leases.
    /// </summary>
    Task ReleaseAllClaimsAsync(CancellationToken cancellationToken);

    Task<QueueCounts> CountsAsync(CancellationToken cancellationToken);
}
