using System.Net;
using AotBot.Hosting;
using AotBot.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Hosting;

/// <summary>The readiness checks the capabilities register, as <c>/readyz</c> shows them.</summary>
public sealed class ReadinessWiringSpecs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    [Fact]
    public async Task I_can_see_storage_ready_on_readyz_of_the_real_host()
    {
        // Arrange
        var folder = Directory.CreateTempSubdirectory("aotbot-ready-").FullName;
        try
        {
            var builder = AotBotHost.CreateBuilder([$"--Telegram:Token={ValidToken}", "--Telegram:ApiBaseUrl=http://127.0.0.1:9",
                $"--Storage:ConnectionString=Data Source={Path.Combine(folder, "bot.db")}", "--Http:Listen=http://127.0.0.1:0"], Stream.Null);
            using var host = builder.Build();
            await host.StartAsync();
            var port = host.Services.GetRequiredService<ListenerService>().LocalEndPoint!.Port;
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            // Act
            using var response = await client.GetAsync("/readyz");
            var report = await response.Content.ReadAsStringAsync();
            await host.StopAsync();

            // Assert
            Assert.Matches(@"storage: sqlite, 0 updates queued, 0 parked, [01] instances live\n", report);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task I_get_storage_not_ready_with_the_reason_when_postgres_does_not_answer()
    {
        // Arrange
        await using var database = new PostgresDatabase("Host=127.0.0.1;Port=1;Username=aotbot;Database=aotbot;Timeout=3");
        var store = new SqlBotStore(database, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqlBotStore>.Instance);
        var check = new StorageReadinessCheck(database,
            new SqlUpdateQueue(store, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqlUpdateQueue>.Instance));

        // Act
        var result = await check.CheckAsync(CancellationToken.None);

        // Assert
        Assert.False(result.IsReady);
        Assert.StartsWith("postgres unreachable (NpgsqlException: ", result.Detail);
    }
}
