namespace AotBot.Telegram;

/// <summary>
/// The <see cref="HttpClient"/> every Bot API call goes through (Telegram.Bot's and our raw getUpdates).
/// Its own timeout is off: long polling and large uploads set theirs per call.
/// </summary>
internal sealed class TelegramHttp : IDisposable
{
    public TelegramHttp()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
