namespace AotBot.Telegram;

/// <summary>Telegram refused a send because the user blocked the bot or the bot left the chat: nothing to report.</summary>
internal sealed class ChatClosedException(long chatId, string description, Exception inner) : Exception(description, inner)
{
    public long ChatId { get; } = chatId;
}
