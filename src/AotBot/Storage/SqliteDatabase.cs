using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AotBot.Storage;

/// <summary>
/// The embedded default: one file in WAL mode (readers never wait for the writer), writes queued behind one writer
/// in this process, and busy_timeout for other processes that hold the file. Commits are synchronous=NORMAL (they
/// survive a crash of the process, and a power loss may undo the last ones; 10x faster than FULL here), except the
/// writes that ask to be durable (settings), which are FULL.
/// </summary>
internal sealed class SqliteDatabase(string connectionString) : SqlDatabase(new SqliteDataSource(Configure(connectionString)), singleWriter: true)
{
    /// <summary>How long a statement waits for another process's lock when the connection string does not say.</summary>
    internal const int DefaultTimeoutSeconds = 5;

    public override string Provider => "sqlite";

    public override bool Embedded => true;

    public override string? InstanceLockPath =>
        Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource) + ".lock";

    public override string? BeforeMigrationSql => "PRAGMA journal_mode = WAL";

    // Every open sets NORMAL again, so this lasts for one write.
    public override string? DurableWriteSql => "PRAGMA synchronous = FULL";

    public override IReadOnlyList<string> Migrations { get; } =
    [
        // 1: the seed's tables. Times are Unix milliseconds (UTC) in both providers, so every query is shared.
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            registered_at_ms INTEGER NOT NULL,
            language_code TEXT,
            start_argument TEXT
        );
        CREATE INDEX users_registered_at ON users (registered_at_ms);
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            language TEXT,
            file_mode INTEGER NOT NULL
        );
        CREATE TABLE downloads (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            source TEXT NOT NULL,
            post_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            converted INTEGER NOT NULL,
            is_inline INTEGER NOT NULL,
            cache_hit INTEGER NOT NULL,
            at_ms INTEGER NOT NULL
        );
        CREATE INDEX downloads_at ON downloads (at_ms);
        """,
        // 2: what AotBot adds: the file_id cache, the update offset and the recently handled update ids.
        """
        CREATE TABLE media_cache (
            source TEXT NOT NULL,
            post_id TEXT NOT NULL,
            mode INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            files TEXT NOT NULL,
            width INTEGER,
            height INTEGER,
            duration_seconds INTEGER,
            preview TEXT,
            music_title TEXT,
            music_performer TEXT,
            version INTEGER NOT NULL,
            cached_at_ms INTEGER NOT NULL,
            PRIMARY KEY (source, post_id, mode)
        );
        CREATE TABLE bot_state (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT INTO bot_state (key, value) VALUES ('update_offset', 0);
        CREATE TABLE handled_updates (
            update_id INTEGER PRIMARY KEY,
            handled_at_ms INTEGER NOT NULL
        );
        CREATE INDEX handled_updates_at ON handled_updates (handled_at_ms);
        """,
        // 3: groups that became supergroups (a 400 with migrate_to_chat_id): old buttons still reach the new chat.
        """
        CREATE TABLE chat_migrations (
            from_chat_id INTEGER PRIMARY KEY,
            to_chat_id INTEGER NOT NULL,
            migrated_at_ms INTEGER NOT NULL
        );
        """,
        // 4: the durable update queue shared by instances (it replaces handled_updates) and their heartbeats.
        """
        DROP TABLE handled_updates;
        CREATE TABLE updates (
            update_id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            payload TEXT,
            received_at_ms INTEGER NOT NULL,
            state INTEGER NOT NULL,
            claimed_by TEXT,
            lease_until_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT,
            finished_at_ms INTEGER
        );
        CREATE INDEX updates_open ON updates (chat_id, update_id) WHERE state IN (0, 1);
        CREATE INDEX updates_state ON updates (state, lease_until_ms);
        CREATE INDEX updates_finished ON updates (finished_at_ms) WHERE finished_at_ms IS NOT NULL;
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            seen_at_ms INTEGER NOT NULL
        );
        """,
        // 5: groups told once that privacy mode hides links from the bot.
        """
        CREATE TABLE group_notices (
            chat_id INTEGER PRIMARY KEY,
            sent_at_ms INTEGER NOT NULL
        );
        """,
        // 6: each user's jobs in progress (one instance on SQLite: kept for the shared schema and its specs).
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            instance TEXT NOT NULL,
            started_at_ms INTEGER NOT NULL,
            lease_until_ms INTEGER NOT NULL
        );
        CREATE INDEX jobs_user ON jobs (user_id);
        CREATE INDEX jobs_instance ON jobs (instance);
        """,
    ];

    /// <summary>
    /// Drops pooled connections: after the file was deleted, replaced or restored they still hold the old one (or an
    /// empty file created in its place), and the store would never see the database come back.
    /// </summary>
    public override void ClearPool()
    {
        using var connection = new SqliteConnection(Configure(connectionString));
        SqliteConnection.ClearPool(connection);
    }

    private static string Configure(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!builder.ShouldSerialize("Default Timeout"))
            builder.DefaultTimeout = DefaultTimeoutSeconds;
        return builder.ToString();
    }

    /// <summary>Opens pooled connections with busy_timeout set to the command timeout, and synchronous=NORMAL.</summary>
    private sealed class SqliteDataSource(string connectionString) : DbDataSource
    {
        // Microsoft.Data.Sqlite retries a busy statement until the command timeout; busy_timeout makes SQLite itself
        // wait on the lock for as long, instead of failing at once and being retried in 150 ms sleeps.
        private readonly string _pragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {new SqliteConnectionStringBuilder(connectionString).DefaultTimeout * 1000}; PRAGMA synchronous = NORMAL");

        public override string ConnectionString => connectionString;

        protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

        protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.Command(_pragmas);
                await command.ExecuteNonQueryAsync(cancellationToken);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        protected override DbConnection OpenDbConnection() => OpenDbConnectionAsync().AsTask().GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            // Closing the pooled connections checkpoints the WAL into the database file.
            if (disposing)
            {
                using var connection = new SqliteConnection(connectionString);
                SqliteConnection.ClearPool(connection);
            }
            base.Dispose(disposing);
        }

        protected override ValueTask DisposeAsyncCore()
        {
            Dispose(true);
            return ValueTask.CompletedTask;
        }
    }
}
