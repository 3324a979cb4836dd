using Microsoft.Data.Sqlite;

namespace AotBot.Tests.Storage;

/// <summary>Another process's hold on an SQLite file: a connection of its own inside BEGIN EXCLUSIVE, until disposed.</summary>
public static class SqliteWriteLock
{
    public static async Task<SqliteConnection> TakeAsync(string databasePath)
    {
        var locker = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await locker.OpenAsync();
        await using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();
        return locker;
    }
}
