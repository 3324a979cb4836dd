using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>Who the bot is, from getMe at start-up: the username goes into captions and addressed commands.</summary>
internal sealed class BotIdentity
{
    private User? _me;

    public long Id => Me.Id;

    public string Username => Me.Username ?? "";

    private User Me => _me ?? throw new InvalidOperationException("getMe has not answered yet.");

    public void Set(User me) => _me = me;
}
