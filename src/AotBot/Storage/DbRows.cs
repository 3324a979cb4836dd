using System.Data;
using System.Data.Common;

namespace AotBot.Storage;

/// <summary>A row type that maps itself from the current row of a reader, by column position.</summary>
internal interface IDbRow<TSelf> where TSelf : IDbRow<TSelf>
{
    static abstract TSelf Map(DbDataReader reader);
}

/// <summary>Plain ADO.NET helpers shared by SQLite and PostgreSQL: typed parameters and row mapping.</summary>
internal static class DbRows
{
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    // The DbType is set even for nulls: PostgreSQL needs a parameter's type to accept a null into a typed column.
    public static DbCommand With(this DbCommand command, string name, long value) => command.Add(name, value, DbType.Int64);

    public static DbCommand With(this DbCommand command, string name, long? value) => command.Add(name, value, DbType.Int64);

    public static DbCommand With(this DbCommand command, string name, int value) => command.Add(name, value, DbType.Int32);

    public static DbCommand With(this DbCommand command, string name, int? value) => command.Add(name, value, DbType.Int32);

    public static DbCommand With(this DbCommand command, string name, string? value) => command.Add(name, value, DbType.String);

    public static DbCommand With(this DbCommand command, string name, bool value) => command.Add(name, value, DbType.Boolean);

    public static async Task<T?> FirstOrDefaultAsync<T>(this DbCommand command, CancellationToken cancellationToken)
        where T : class, IDbRow<T>
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? T.Map(reader) : null;
    }

    public static async Task<List<T>> ToListAsync<T>(this DbCommand command, CancellationToken cancellationToken)
        where T : IDbRow<T>
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(T.Map(reader));
        return rows;
    }

    /// <summary>A single integer (COUNT, MAX, a stored value); null when there is no row or the value is NULL.</summary>
    public static async Task<long?> ScalarInt64Async(this DbCommand command, CancellationToken cancellationToken) =>
        await command.ExecuteScalarAsync(cancellationToken) switch
        {
            null or DBNull => null,
            var value => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        };

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? GetNullableInt32(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static DbCommand Add(this DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
