using System.Data.Common;
using Npgsql;

namespace AotBot.Storage;

/// <summary>
/// For several bot instances sharing one database: Npgsql's slim (trimming-friendly) data source, pooled
/// connections, writers that run side by side, migrations serialised with an advisory lock.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase
{
    private readonly NpgsqlDataSource _source;
    // Unpooled: a session lock must end with its connection, which a pool would keep open. Built like _source (a plain
    // NpgsqlConnection would build Npgsql's full data source, whose type mappings cost 2.41 MiB of the binary).
    private readonly NpgsqlDataSource _dedicated;

    public PostgresDatabase(string connectionString)
        : this(Build(connectionString), Build(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString)) { }

    private PostgresDatabase(NpgsqlDataSource source, NpgsqlDataSource dedicated) : base(source, singleWriter: false)
    {
        _source = source;
        _dedicated = dedicated;
    }

    public override string Provider => "postgres";

    public override bool Embedded => false;

    // Any constant works; this one reads "AOTBOT" on a phone keypad.
    public override string? MigrationLockSql => "SELECT pg_advisory_xact_lock(268268)";

    public override string SkipLockedSql => "FOR UPDATE SKIP LOCKED";

    // Two 32-bit keys live apart from the one-key locks above; the first names the purpose, the second the user.
    public override string? UserLockSql => "SELECT pg_advisory_xact_lock(268270, @user_key)";

    // The migration lock's number plus one, and the schema: advisory locks are per database, and two bots may keep
    // their tables in two schemas of one database; each must elect its own poller.
    public override string? PollerLockSql => $"SELECT pg_try_advisory_lock(268269, {SchemaLockKey})";

    /// <summary>The second key of a lock that is the schema's own: a non-negative hash of the schema tables go to.</summary>
    internal const string SchemaLockKey = "hashtext(coalesce(current_schema(), '')) & 2147483647";

    public override async ValueTask<DbConnection> OpenDedicatedAsync(CancellationToken cancellationToken) =>
        await _dedicated.OpenConnectionAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _dedicated.DisposeAsync();
        await base.DisposeAsync();
    }

    public override void Dispose()
    {
        _dedicated.Dispose();
        base.Dispose();
    }

    public override IReadOnlyList<string> Migrations { get; } =
    [
        // 1: the seed's tables. Times are Unix milliseconds (UTC) in both providers, so every query is shared.
        """
        CREATE TABLE users (
            id bigint PRIMARY KEY,
            registered_at_ms bigint NOT NULL,
            language_code text,
            start_argument text
        );
        CREATE INDEX users_registered_at ON users (registered_at_ms);
        CREATE TABLE chats (
            id bigint PRIMARY KEY,
            language text,
            file_mode integer NOT NULL
        );
        CREATE TABLE downloads (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL,
            chat_id bigint NOT NULL,
            source text NOT NULL,
            post_id text NOT NULL,
            kind integer NOT NULL,
            converted boolean NOT NULL,
            is_inline boolean NOT NULL,
            cache_hit boolean NOT NULL,
            at_ms bigint NOT NULL
        );
        CREATE INDEX downloads_at ON downloads (at_ms);
        """,
        // 2: what AotBot adds: the file_id cache, the update offset and the recently handled update ids.
        """
        CREATE TABLE media_cache (
            source text NOT NULL,
            post_id text NOT NULL,
            mode integer NOT NULL,
            kind integer NOT NULL,
            files text NOT NULL,
            width integer,
            height integer,
            duration_seconds integer,
            preview text,
            music_title text,
            music_performer text,
            version integer NOT NULL,
            cached_at_ms bigint NOT NULL,
            PRIMARY KEY (source, post_id, mode)
        );
        CREATE TABLE bot_state (
            key text PRIMARY KEY,
            value bigint NOT NULL
        );
        INSERT INTO bot_state (key, value) VALUES ('update_offset', 0);
        CREATE TABLE handled_updates (
            update_id bigint PRIMARY KEY,
            handled_at_ms bigint NOT NULL
        );
        CREATE INDEX handled_updates_at ON handled_updates (handled_at_ms);
        """,
        // 3: groups that became supergroups (a 400 with migrate_to_chat_id): old buttons still reach the new chat.
        """
        CREATE TABLE chat_migrations (
            from_chat_id bigint PRIMARY KEY,
            to_chat_id bigint NOT NULL,
            migrated_at_ms bigint NOT NULL
        );
        """,
        // 4: the durable update queue shared by instances (it replaces handled_updates) and their heartbeats.
        """
        DROP TABLE handled_updates;
        CREATE TABLE updates (
            update_id bigint PRIMARY KEY,
            chat_id bigint NOT NULL,
            payload text,
            received_at_ms bigint NOT NULL,
            state integer NOT NULL,
            claimed_by text,
            lease_until_ms bigint NOT NULL,
            attempts integer NOT NULL,
            error text,
            finished_at_ms bigint
        );
        CREATE INDEX updates_open ON updates (chat_id, update_id) WHERE state IN (0, 1);
        CREATE INDEX updates_state ON updates (state, lease_until_ms);
        CREATE INDEX updates_finished ON updates (finished_at_ms) WHERE finished_at_ms IS NOT NULL;
        CREATE TABLE instances (
            id text PRIMARY KEY,
            seen_at_ms bigint NOT NULL
        );
        """,
        // 5: groups told once that privacy mode hides links from the bot.
        """
        CREATE TABLE group_notices (
            chat_id bigint PRIMARY KEY,
            sent_at_ms bigint NOT NULL
        );
        """,
        // 6: each user's jobs in progress on any instance (Limits:MaxJobsPerUser across instances), leased like claims.
        """
        CREATE TABLE jobs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL,
            instance text NOT NULL,
            started_at_ms bigint NOT NULL,
            lease_until_ms bigint NOT NULL
        );
        CREATE INDEX jobs_user ON jobs (user_id);
        CREATE INDEX jobs_instance ON jobs (instance);
        """,
    ];

    public override void ClearPool() => _source.Clear();

    internal static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        // TLS (sslmode=require, verify-full) for managed servers; everything else the slim builder leaves out is unused.
        builder.EnableTransportSecurity();
        // Npgsql 10 tries GSS (Kerberos) encryption first by default. Without libgssapi_krb5.so.2 (distroless, most
        // containers) every connection then fails to load it, and the runtime prints "Cannot load library..." to stderr,
        // outside our log redaction, and may stall the connection. Off unless the operator asks for it
        // (Gss Encryption Mode=Prefer|Require in the connection string, or PGGSSENCMODE).
        if (!AsksForGssEncryption(connectionString))
            builder.ConnectionStringBuilder.GssEncryptionMode = GssEncryptionMode.Disable;
        return builder.Build();
    }

    private static bool AsksForGssEncryption(string connectionString)
    {
        if (Environment.GetEnvironmentVariable("PGGSSENCMODE") is { Length: > 0 }) return true;
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in written.Keys)
            if (key.Replace(" ", "").Equals("GssEncryptionMode", StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
