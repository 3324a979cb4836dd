namespace AotBot.Telegram;

/// <summary>How updates reach the bot: long polling now; a webhook receiver hands its bodies to the same dispatcher.</summary>
internal interface IUpdateReceiver
{
    /// <summary>Receives updates until <paramref name="stoppingToken"/> fires, handing each to <paramref name="dispatcher"/>.</summary>
    Task RunAsync(UpdateDispatcher dispatcher, CancellationToken stoppingToken);
}
