namespace AotBot.Storage;

/// <summary>The database was migrated by a newer aotbot: this one does not know its tables and must not write to them.</summary>
internal sealed class StorageSchemaTooNewException(string provider, int databaseVersion, int knownVersion)
    : Exception($"Storage: the {provider} database is at schema version {databaseVersion}, newer than this aotbot knows ({knownVersion}); " +
                "run a newer aotbot or set AOTBOT_Storage__ConnectionString to another database");

/// <summary>Applies the numbered migrations not yet recorded in <c>schema_version</c>, all in one transaction.</summary>
internal static class SchemaMigrator
{
    /// <summary>Migrates up to <paramref name="targetVersion"/> (default: the newest) and returns the versions before and after.</summary>
    public static async Task<(int From, int To)> MigrateAsync(
        SqlDatabase database, TimeProvider time, CancellationToken cancellationToken, int? targetVersion = null)
    {
        var target = targetVersion ?? database.Migrations.Count;
        if (database.BeforeMigrationSql is { } before)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.Command(before);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var write = await database.BeginWriteAsync(cancellationToken);
        if (database.MigrationLockSql is { } migrationLock)
            await write.ExecuteAsync(migrationLock, cancellationToken);
        await write.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at_ms bigint NOT NULL)",
            cancellationToken);
        await using var current = write.Command("SELECT MAX(version) FROM schema_version");
        var from = (int)(await current.ScalarInt64Async(cancellationToken) ?? 0);
        if (from > database.Migrations.Count)
            throw new StorageSchemaTooNewException(database.Provider, from, database.Migrations.Count);

        for (var version = from + 1; version <= target; version++)
        {
            await write.ExecuteAsync(database.Migrations[version - 1], cancellationToken);
            await using var record = write.Command("INSERT INTO schema_version (version, applied_at_ms) VALUES (@version, @at)")
                .With("@version", version)
                .With("@at", time.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await write.CommitAsync(cancellationToken);
        return (from, Math.Max(from, target));
    }
}
