using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace AotBot.Telegram;

/// <summary>
/// The one way out to Telegram. This layer owns 429 handling (the client runs with <c>RetryThreshold = 0</c>):
/// a 429 waits <c>retry_after</c> and resends, a 5xx or network failure is retried with a short backoff, messages are
/// paced per chat, per group and overall, and "blocked by the user" becomes <see cref="ChatClosedException"/>.
/// </summary>
internal sealed class BotApi(ITelegramBotClient client, Pacer pacer, TimeProvider time, ILogger<BotApi> logger)
{
    internal const int MaxAttempts = 5;
    private const int MaxTransientAttempts = 3;

    /// <summary>Sends a message (or album of <paramref name="weight"/> items) to <paramref name="chatId"/>, paced.</summary>
    public Task<T> SendAsync<T>(long chatId, string method, Func<ITelegramBotClient, CancellationToken, Task<T>> send,
        CancellationToken cancellationToken, int weight = 1) =>
        RunAsync(chatId, method, send, paced: true, weight, cancellationToken);

    /// <summary>A call that sends no message (answers, edits of inline messages, getChatMember): retried, not paced.</summary>
    public Task<T> CallAsync<T>(string method, Func<ITelegramBotClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(null, method, call, paced: false, 1, cancellationToken);

    /// <summary>A call that sends no message, with no result.</summary>
    public Task CallAsync(string method, Func<ITelegramBotClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync<bool>(null, method, async (c, t) => { await call(c, t); return true; }, paced: false, 1, cancellationToken);

    /// <summary>A call whose failure changes nothing (chat actions, removing a progress message): tried once.</summary>
    public async Task TryCallAsync(string method, Func<ITelegramBotClient, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call(client, cancellationToken);
        }
        catch (RequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.Ignored(method, ex.Message);
        }
    }

    private async Task<T> RunAsync<T>(long? chatId, string method, Func<ITelegramBotClient, CancellationToken, Task<T>> send,
        bool paced, int weight, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (paced) await pacer.WaitAsync(chatId!.Value, weight, cancellationToken);
            try
            {
                return await send(client, cancellationToken);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 429 && attempt < MaxAttempts)
            {
                var seconds = Math.Max(1, ex.Parameters?.RetryAfter ?? 1);
                logger.TooManyRequests(method, seconds, attempt);
                await Task.Delay(TimeSpan.FromSeconds(seconds), time, cancellationToken);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 403 && chatId is { } id && IsClosedChat(ex.Message))
            {
                throw new ChatClosedException(id, ex.Message, ex);
            }
            catch (RequestException ex) when (IsTransient(ex) && attempt < MaxTransientAttempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromSeconds(attempt);
                logger.SendRetry(method, ex.Message, attempt, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    // 5xx from Telegram's front or a network failure: the request most likely did not reach the Bot API.
    private static bool IsTransient(RequestException ex) => ex switch
    {
        ApiRequestException api => api.ErrorCode >= 500,
        _ => ex.HttpStatusCode is null || (int)ex.HttpStatusCode >= 500,
    };

    private static bool IsClosedChat(string description) =>
        description.Contains("blocked", StringComparison.OrdinalIgnoreCase)
        || description.Contains("kicked", StringComparison.OrdinalIgnoreCase)
        || description.Contains("deactivated", StringComparison.OrdinalIgnoreCase)
        || description.Contains("can't initiate", StringComparison.OrdinalIgnoreCase);
}
