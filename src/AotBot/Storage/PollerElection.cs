using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace AotBot.Storage;

/// <summary>
/// Which instance calls getUpdates (Telegram answers 409 to a second poller). On PostgreSQL the poller holds a
/// session advisory lock on a connection of its own; when its process dies the server drops the connection and the
/// lock, and the next instance that asks (every <see cref="RetryInterval"/>) polls. On SQLite the one instance polls.
/// A poller whose lock connection dies because the database is away keeps polling through the outage (the update
/// queue falls back to memory, so the bot keeps answering; no other instance can take the lock meanwhile) and asks
/// for the lock again every <see cref="RetryInterval"/> until the database answers.
/// </summary>
internal sealed class PollerElection(SqlDatabase database, ILogger<PollerElection> logger, TimeProvider? time = null)
    : IAsyncDisposable, IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How often an instance that does not poll asks again: a dead poller is replaced within this.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);

    private DbConnection? _held;
    private bool _saidFollowing;
    // Led when the database went away: polls on without the lock until the database answers again.
    private bool _orphaned;
    private DateTimeOffset _askAgainAt;

    /// <summary>True when this instance polls (now or already); false when another one does or the database is away.</summary>
    public async Task<bool> TryLeadAsync(CancellationToken cancellationToken)
    {
        if (database.PollerLockSql is not { } sql) return true;
        if (_held is not null)
        {
            if (await StillLeadingAsync(cancellationToken)) return true;
            // The lock's connection is gone: with the server still there another instance may poll now; without
            // it no one else can take the lock, so this one keeps polling.
            if (await ReachableAsync(cancellationToken)) return false;
            (_orphaned, _askAgainAt) = (true, _time.GetUtcNow() + RetryInterval);
            return true;
        }
        if (_orphaned && _time.GetUtcNow() < _askAgainAt) return true;
        DbConnection? connection = null;
        try
        {
            connection = await database.OpenDedicatedAsync(cancellationToken);
            await using var command = connection.Command(sql);
            var taken = await command.ExecuteScalarAsync(cancellationToken) is true;
            _orphaned = false;
            if (taken)
            {
                (_held, connection, _saidFollowing) = (connection, null, false);
                logger.Polling(database.Provider);
                return true;
            }
            if (!_saidFollowing) logger.NotPolling(database.Provider);
            _saidFollowing = true;
            return false;
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            if (!_orphaned) return false;
            _askAgainAt = _time.GetUtcNow() + RetryInterval;
            return true;
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>Whether the database answers on a fresh connection (the pooled ones may be as dead as the lock's).</summary>
    private async Task<bool> ReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenDedicatedAsync(cancellationToken);
            await using var command = connection.Command("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            return false;
        }
    }

    /// <summary>Checks the lock's connection is alive before each poll; a lost one means another instance may poll now.</summary>
    private async Task<bool> StillLeadingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _held!.Command("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            logger.PollerLockLost(database.Provider, ResilientBotStore.Describe(ex));
            await DisposeAsync();
            return false;
        }
    }

    // The host disposes its services synchronously when it is disposed with `using`.
    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_held is { } held)
        {
            _held = null;
            await held.DisposeAsync();
        }
    }
}
