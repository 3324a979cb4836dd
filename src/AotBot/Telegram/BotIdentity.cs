using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>Who the bot is, from getMe at start-up: the username goes into captions and addressed commands.</summary>
internal sealed class BotIdentity
{
    private User? _me;

    public long Id => Me.Id;

    public string Username => Me.Username ?? "";

    /// <summary>getMe's <c>can_read_all_group_messages</c>: false while privacy mode is on (BotFather's default).</summary>
    public bool ReadsAllGroupMessages => Me.CanReadAllGroupMessages;

    /// <summary>getMe's <c>supports_inline_queries</c>: inline mode switched on in BotFather.</summary>
    public bool SupportsInlineQueries => Me.SupportsInlineQueries;

    private User Me => _me ?? throw new InvalidOperationException("getMe has not answered yet.");

    public void Set(User me) => _me = me;
}
