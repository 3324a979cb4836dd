using System.Data.Common;

namespace AotBot.Storage;

/// <summary>
/// What differs between the providers: how connections open, whether writes queue behind one writer, the DDL of
/// each migration. Every query outside migrations is the same SQL for both (see <see cref="SqlBotStore"/>).
/// </summary>
internal abstract class SqlDatabase(DbDataSource source, bool singleWriter) : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim? _writer = singleWriter ? new SemaphoreSlim(1, 1) : null;

    /// <summary><c>sqlite</c> or <c>postgres</c>, as in <c>Storage:Provider</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>
    /// True for a database file owned by this process: one that cannot be opened at start-up is a configuration
    /// error, where a server that cannot be reached may just not be up yet.
    /// </summary>
    public abstract bool Embedded { get; }

    /// <summary>A file only one process may hold while it uses the database (SQLite), or null when several may (PostgreSQL).</summary>
    public virtual string? InstanceLockPath => null;

    /// <summary>Migration N is item N-1. Shipped migrations are never edited; changes are appended.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>Run outside any transaction before migrating (SQLite's journal mode cannot change inside one).</summary>
    public virtual string? BeforeMigrationSql => null;

    /// <summary>Run first in the migration transaction, so that instances starting together migrate one at a time.</summary>
    public virtual string? MigrationLockSql => null;

    /// <summary>Takes the poller's lock for the session, answering true when taken; null when one instance polls anyway.</summary>
    public virtual string? PollerLockSql => null;

    /// <summary>Ends the claim query's row selection: PostgreSQL skips rows another instance is claiming; SQLite has one writer.</summary>
    public virtual string SkipLockedSql => "";

    /// <summary>
    /// Run first in a transaction that counts a user's rows and adds one (<c>@user_key</c>: the user's 32-bit key), so
    /// that two instances admitting the same user take turns; null where writes take turns anyway (SQLite).
    /// </summary>
    public virtual string? UserLockSql => null;

    /// <summary>Run on the connection before a write that must survive a power loss, not only a crash.</summary>
    public virtual string? DurableWriteSql => null;

    public ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => source.OpenConnectionAsync(cancellationToken);

    /// <summary>A connection outside the pool, for a session lock that must end with it.</summary>
    public virtual ValueTask<DbConnection> OpenDedicatedAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>A connection with a transaction open; with a single writer, also its turn until disposed.</summary>
    public async ValueTask<SqlWrite> BeginWriteAsync(CancellationToken cancellationToken, bool durable = false)
    {
        if (_writer is not null) await _writer.WaitAsync(cancellationToken);
        DbConnection? connection = null;
        try
        {
            connection = await source.OpenConnectionAsync(cancellationToken);
            if (durable && DurableWriteSql is { } sql)
            {
                await using var command = connection.Command(sql);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new SqlWrite(connection, transaction, _writer);
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync();
            _writer?.Release();
            throw;
        }
    }

    /// <summary>Drops idle pooled connections, which a server restart has broken.</summary>
    public virtual void ClearPool() { }

    public virtual async ValueTask DisposeAsync()
    {
        await source.DisposeAsync();
        _writer?.Dispose();
    }

    // The host disposes its services synchronously when it is disposed with `using`.
    public virtual void Dispose()
    {
        source.Dispose();
        _writer?.Dispose();
    }

    public static SqlDatabase Create(StorageOptions options) => options.Provider switch
    {
        "postgres" => new PostgresDatabase(options.ConnectionString),
        _ => new SqliteDatabase(options.ConnectionString),
    };
}

/// <summary>One write transaction; disposing it without <see cref="CommitAsync"/> rolls back.</summary>
internal sealed class SqlWrite(DbConnection connection, DbTransaction transaction, SemaphoreSlim? writer) : IAsyncDisposable
{
    public DbCommand Command(string sql) => connection.Command(sql, transaction);

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
        finally
        {
            writer?.Release();
        }
    }
}
