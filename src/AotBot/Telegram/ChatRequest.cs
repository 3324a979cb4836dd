using AotBot.Storage;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;
using FileMode = AotBot.Storage.FileMode;

namespace AotBot.Telegram;

/// <summary>Where and how to answer one request: the chat, the message to reply to, the user, their language and mode.</summary>
internal sealed record ChatRequest(long ChatId, ChatType ChatType, int MessageId, int? ThreadId, User User, string Language, FileMode Mode)
{
    public bool IsPrivate => ChatType == ChatType.Private;

    /// <summary>Replies survive a deleted original (<c>allow_sending_without_reply</c>).</summary>
    public ReplyParameters Reply => new() { MessageId = MessageId, AllowSendingWithoutReply = true };

    /// <summary>Groups get no notification sound for what the bot sends.</summary>
    public bool Silent => !IsPrivate;

    public static ChatRequest For(Message message, User user, string language, FileMode mode) =>
        new(message.Chat.Id, message.Chat.Type, message.MessageId, message.IsTopicMessage ? message.MessageThreadId : null,
            user, language, mode);
}

internal static class BotApiTexts
{
    private static readonly LinkPreviewOptions s_noPreview = new() { IsDisabled = true };

    /// <summary>
    /// Sends an HTML text replying to the request's message, with no link preview: the texts that carry the post's link
    /// (the caption after an album, errors with <c>{link}</c>) would otherwise show the post's card under them.
    /// </summary>
    public static Task<Message> SendTextAsync(this BotApi api, ChatRequest request, string html, CancellationToken cancellationToken,
        InlineKeyboardMarkup? markup = null) =>
        api.SendAsync(request.ChatId, "sendMessage", (client, chat, token) => client.SendMessage(
            chat, html, ParseMode.Html, request.Reply, markup, s_noPreview, messageThreadId: request.ThreadId,
            disableNotification: request.Silent, cancellationToken: token), cancellationToken);
}
