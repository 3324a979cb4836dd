using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace AotBot.Telegram;

/// <summary>
/// The one way out to Telegram. This layer owns 429 handling (the client runs with <c>RetryThreshold = 0</c>):
/// a 429 waits <c>retry_after</c> and resends, a 5xx or network failure is retried with an exponential backoff, messages
/// are paced per chat, per group and overall, and "blocked by the user" becomes <see cref="ChatClosedException"/>.
/// A call keeps trying for up to <see cref="MaxRetryWait"/> of waiting, so a minute of Telegram outage or a 429 flood
/// on a chat delays its replies rather than losing them. A group that became a supergroup (400 with
/// <c>migrate_to_chat_id</c>) gets the same call again at its new id, which <paramref name="send"/> receives.
/// </summary>
internal sealed class BotApi(ITelegramBotClient client, Pacer pacer, ChatMigrations migrations, TimeProvider time, ILogger<BotApi> logger)
{
    /// <summary>The most one call waits in total (retry_after and backoff) before its failure is final.</summary>
    internal static readonly TimeSpan MaxRetryWait = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends a message (or album of <paramref name="weight"/> items) to <paramref name="chatId"/>, paced;
    /// <paramref name="send"/> gets the chat id to use (the supergroup's, after a migration).
    /// </summary>
    public Task<T> SendAsync<T>(long chatId, string method, Func<ITelegramBotClient, long, CancellationToken, Task<T>> send,
        CancellationToken cancellationToken, int weight = 1) =>
        RunAsync(chatId, method, send, paced: true, weight, cancellationToken);

    /// <summary>A call that sends no message (answers, edits of inline messages, getChatMember): retried, not paced.</summary>
    public Task<T> CallAsync<T>(string method, Func<ITelegramBotClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(null, method, (c, _, t) => call(c, t), paced: false, 1, cancellationToken);

    /// <summary>A call that sends no message, with no result.</summary>
    public Task CallAsync(string method, Func<ITelegramBotClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync<bool>(null, method, async (c, _, t) => { await call(c, t); return true; }, paced: false, 1, cancellationToken);

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

    private async Task<T> RunAsync<T>(long? chatId, string method, Func<ITelegramBotClient, long, CancellationToken, Task<T>> send,
        bool paced, int weight, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var transientFailures = 0;
        // The rest of a job that began before its group migrated goes to the supergroup without another 400.
        if (chatId is { } id) chatId = migrations.Known(id);
        for (var attempt = 1; ; attempt++)
        {
            if (paced) await pacer.WaitAsync(chatId!.Value, weight, cancellationToken);
            TimeSpan delay;
            try
            {
                return await send(client, chatId ?? 0, cancellationToken);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 400 && ex.Parameters?.MigrateToChatId is { } newChatId
                && chatId is { } oldChatId && newChatId != oldChatId)
            {
                await migrations.MovedAsync(oldChatId, newChatId, cancellationToken);
                chatId = newChatId;
                continue;
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 429 && RetryAfter(ex) is var retryAfter && waited + retryAfter <= MaxRetryWait)
            {
                delay = retryAfter;
                logger.TooManyRequests(method, (int)delay.TotalSeconds, attempt);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 403 && chatId is { } closedId && IsClosedChat(ex.Message))
            {
                throw new ChatClosedException(closedId, ex.Message, ex);
            }
            catch (RequestException ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested
                && Backoff(transientFailures + 1) is var backoff && waited + backoff <= MaxRetryWait)
            {
                transientFailures++;
                delay = backoff;
                logger.SendRetry(method, ex.Message, attempt, delay.TotalSeconds);
            }
            waited += delay;
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private static TimeSpan RetryAfter(ApiRequestException ex) => TimeSpan.FromSeconds(Math.Max(1, ex.Parameters?.RetryAfter ?? 1));

    // 1, 2, 4, 8, 16, 30, 30 s...: a minute's outage is ridden out in six retries.
    private static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, failures - 1)));

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
