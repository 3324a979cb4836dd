using AotBot.Storage;
using Npgsql;

namespace AotBot.Tests.Storage;

/// <summary>
/// Npgsql 10 prefers GSS (Kerberos) encryption; the bot turns it off unless the operator's connection string asks, so a
/// container without libgssapi_krb5 connects without a native load error on stderr. (No server needed: this reads
/// the data source's settings; the distroless rootfs spec connects for real.)
/// </summary>
public sealed class PostgresGssSpecs
{
    private static GssEncryptionMode Effective(string connectionString)
    {
        using var source = PostgresDatabase.Build(connectionString);
        return new NpgsqlConnectionStringBuilder(source.ConnectionString).GssEncryptionMode;
    }

    [Fact]
    public void GSS_encryption_is_off_when_the_connection_string_does_not_mention_it()
    {
        Assert.Equal(GssEncryptionMode.Prefer, new NpgsqlConnectionStringBuilder().GssEncryptionMode);

        Assert.Equal(GssEncryptionMode.Disable, Effective("Host=db.example;Database=aotbot;Username=aotbot;Password=x"));
    }

    [Theory]
    [InlineData("Host=db;Gss Encryption Mode=Require", GssEncryptionMode.Require)]
    [InlineData("Host=db;GssEncryptionMode=Prefer", GssEncryptionMode.Prefer)]
    [InlineData("Host=db;gss encryption mode=prefer", GssEncryptionMode.Prefer)]
    [InlineData("Host=db;Gss Encryption Mode=Disable", GssEncryptionMode.Disable)]
    public void The_operators_own_choice_stands(string connectionString, GssEncryptionMode expected) =>
        Assert.Equal(expected, Effective(connectionString));
}
