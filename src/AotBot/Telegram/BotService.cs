using AotBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telegram.Bot;

namespace AotBot.Telegram;

/// <summary>
/// The bot's lifetime: getMe (retried until Telegram answers), the start-up checks of its Telegram settings beside the
/// receiver, which runs from the stored offset. On stop the
/// receiver ends at once and work in progress gets until <c>Hosting:ShutdownTimeout</c> to finish.
/// </summary>
internal sealed class BotService(
    BotApi api,
    BotIdentity identity,
    IUpdateReceiver receiver,
    UpdateDispatcher dispatcher,
    IBotStore store,
    StartupChecks checks,
    TimeProvider time,
    ILogger<BotService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxCoolDown = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await IdentifyAsync(stoppingToken);
            // Beside the receiver: a slow getChat must not hold the first updates.
            var checking = checks.RunAsync(stoppingToken);
            var offset = await store.GetUpdateOffsetAsync(stoppingToken);
            dispatcher.Start(offset);
            logger.Started(identity.Username, identity.Id, offset);
            await receiver.RunAsync(dispatcher, stoppingToken);
            await checking;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await dispatcher.DrainAsync(cancellationToken);
    }

    private async Task IdentifyAsync(CancellationToken stoppingToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                identity.Set(await api.CallAsync("getMe", (client, token) => client.GetMe(token), stoppingToken));
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var coolDown = TimeSpan.FromSeconds(Math.Min(MaxCoolDown.TotalSeconds, Math.Pow(2, failures - 1)));
                logger.GetMeFailed(ex.GetType().Name + ": " + ex.Message, coolDown.TotalSeconds);
                await Task.Delay(coolDown, time, stoppingToken);
            }
        }
    }
}
