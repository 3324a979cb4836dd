using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace AotBot.Telegram;

/// <summary>Shows "sending video…" and the like while a job works: Telegram clears an action after 5 s, so it is refreshed every 4 s.</summary>
internal sealed class ChatActions(BotApi api, TimeProvider time)
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);

    /// <summary>Starts sending <paramref name="action"/> now and every <see cref="Interval"/> until disposed.</summary>
    public IAsyncDisposable Start(long chatId, ChatAction action, int? threadId, CancellationToken cancellationToken) =>
        new Pulse(api, time, chatId, action, threadId, cancellationToken);

    private sealed class Pulse : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _loop;

        public Pulse(BotApi api, TimeProvider time, long chatId, ChatAction action, int? threadId, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _loop = RunAsync(api, time, chatId, action, threadId, _stop.Token);
        }

        private static async Task RunAsync(BotApi api, TimeProvider time, long chatId, ChatAction action, int? threadId, CancellationToken stop)
        {
            try
            {
                while (true)
                {
                    await api.TryCallAsync("sendChatAction",
                        (client, token) => client.SendChatAction(chatId, action, threadId, cancellationToken: token), stop);
                    await Task.Delay(Interval, time, stop);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stopped mid-call: the client reports a cancelled sendChatAction as whatever its read hit (a
                // RequestException "during deserialization", say). The pulse is cosmetic, so nothing of it may
                // reach the job: thrown from DisposeAsync it would replace the job's own error (a CDN failure
                // read as "something went wrong" instead of error_network).
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
