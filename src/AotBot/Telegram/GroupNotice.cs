using AotBot.Localization;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace AotBot.Telegram;

/// <summary>
/// Privacy mode hides plain messages (links) in groups from a bot that is not an admin, and nothing else tells the
/// group why the bot stays silent. When the bot is added to a group as a plain member while privacy mode is on, it
/// says so once per chat (stored), in the adder's language: never after a promotion, never in channels, and not at
/// all where it may not send.
/// </summary>
internal sealed class GroupNotice(BotApi api, BotIdentity me, IBotStore store, Localizer texts, TimeProvider time,
    ILogger<GroupNotice> logger)
{
    internal const string TextKey = "group_privacy_notice";

    public async Task OnMembershipAsync(ChatMemberUpdated update, CancellationToken cancellationToken)
    {
        if (!IsAddedAsMember(update) || me.ReadsAllGroupMessages) return;
        var chatId = update.Chat.Id;
        if (!await store.ClaimGroupNoticeAsync(chatId, time.GetUtcNow(), cancellationToken)) return;
        var settings = await store.GetChatSettingsAsync(chatId, cancellationToken);
        var text = texts.Text(texts.LanguageFor(settings.Language, update.From.LanguageCode), TextKey, ("bot", me.Username));
        try
        {
            await api.SendAsync(chatId, "sendMessage", (client, to, token) => client.SendMessage(to, text, cancellationToken: token),
                cancellationToken);
            logger.GroupNoticeSent(chatId);
        }
        catch (Exception ex) when (ex is ChatClosedException or ApiRequestException { ErrorCode: 400 or 403 })
        {
            // A group where members may not send, or the bot was removed again at once: silence is the answer.
            logger.GroupNoticeNotSent(chatId, ex.Message);
        }
    }

    private static bool IsAddedAsMember(ChatMemberUpdated update) =>
        update.Chat.Type is ChatType.Group or ChatType.Supergroup
        && update.NewChatMember.Status == ChatMemberStatus.Member
        && update.OldChatMember.Status is ChatMemberStatus.Left or ChatMemberStatus.Kicked;
}
