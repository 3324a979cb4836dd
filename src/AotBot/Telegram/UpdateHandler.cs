using System.Globalization;
using AotBot.Localization;
using AotBot.Sources;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;
using FileMode = AotBot.Storage.FileMode;

namespace AotBot.Telegram;

/// <summary>Routes each update by its shape, then commands by name; links go to <see cref="LinkJobs"/>.</summary>
internal sealed class UpdateHandler(
    BotApi api,
    Localizer texts,
    IBotStore store,
    BotIdentity me,
    LinkFinder links,
    LinkJobs jobs,
    InlineFlow inline,
    GroupNotice groupNotice,
    ErrorMessages errors,
    ChatMigrations migrations,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<UpdateHandler> logger) : IUpdateHandler
{
    internal const string LanguagePrefix = "lang/";
    internal const string MusicPrefix = "music_";

    public async Task<Handled> HandleAsync(Update update, CancellationToken cancellationToken) => update switch
    {
        { Message: { } message } => await OnMessageAsync(message, cancellationToken),
        { CallbackQuery: { } query } => await OnCallbackQueryAsync(query, cancellationToken),
        { InlineQuery: { } query } => await inline.AnswerAsync(query, cancellationToken),
        { ChosenInlineResult: { } chosen } => await inline.OnChosenAsync(chosen, cancellationToken),
        { MyChatMember: { } member } => await OnMyChatMemberAsync(member, cancellationToken),
        _ => Handled.Done,
    };

    private async Task<Handled> OnMessageAsync(Message message, CancellationToken cancellationToken)
    {
        // The service messages of a group becoming a supergroup: one in the old chat, one in the new.
        if (message.MigrateToChatId is { } to)
        {
            await migrations.MovedAsync(message.Chat.Id, to, cancellationToken);
            return Handled.Done;
        }
        if (message.MigrateFromChatId is { } from)
        {
            await migrations.MovedAsync(from, message.Chat.Id, cancellationToken);
            return Handled.Done;
        }
        // Our own inline results come back as messages "via" the bot; other bots are not users.
        if (message.From is not { IsBot: false } user || message.ViaBot?.Id == me.Id) return Handled.Done;
        var command = message.Text is { } text ? ChatCommand.TryParse(text, me.Username) : null;
        if (command is { ForAnotherBot: true }) return Handled.Done;
        var found = links.Find(message.Text ?? message.Caption, LinksOf(message));
        // Group chatter without a link or a command costs nothing, not even a settings read.
        if (message.Chat.Type != ChatType.Private && command is null && found.Count == 0) return Handled.Done;

        var settings = await store.GetChatSettingsAsync(message.Chat.Id, cancellationToken);
        var request = ChatRequest.For(message, user, texts.LanguageFor(settings.Language, user.LanguageCode), settings.FileMode);
        if (command is { } known && await TryCommandAsync(known, message, request, settings, cancellationToken)) return Handled.Done;

        if (found.Count > 0)
        {
            await store.TouchUserAsync(new UserRecord(user.Id, user.LanguageCode, null, time.GetUtcNow()), cancellationToken);
            return await jobs.StartAsync(request, found, cancellationToken);
        }
        // Groups hear only links; a private chat is always answered.
        if (request.IsPrivate)
            await api.SendTextAsync(request, texts.Text(request.Language, HasAnyLink(message) ? "link_error" : "send_link_prompt"), cancellationToken);
        return Handled.Done;
    }

    /// <summary>
    /// <see cref="OnCommandAsync"/>, answering with the error text when the database cannot save a setting or give
    /// statistics: the user learns the command did not take instead of hearing nothing (the store logs the outage).
    /// </summary>
    private async Task<bool> TryCommandAsync(ChatCommand command, Message message, ChatRequest request, ChatSettings settings,
        CancellationToken cancellationToken)
    {
        try
        {
            return await OnCommandAsync(command, message, request, settings, cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            await api.SendTextAsync(request, errors.Text(request.Language, errors.KeyFor(ex)), cancellationToken);
            return true;
        }
    }

    /// <summary>Runs a known command; false for other commands, which are read as text.</summary>
    private async Task<bool> OnCommandAsync(ChatCommand command, Message message, ChatRequest request, ChatSettings settings,
        CancellationToken cancellationToken)
    {
        switch (command.Name)
        {
            case "start" or "help":
                await store.TouchUserAsync(new UserRecord(request.User.Id, request.User.LanguageCode, command.Argument, time.GetUtcNow()), cancellationToken);
                await api.SendTextAsync(request, texts.Text(request.Language, "start"), cancellationToken);
                return true;
            case "lang":
                if (!await MayChangeSettingsAsync(message.Chat, request.User, message.SenderChat, cancellationToken))
                    await api.SendTextAsync(request, texts.Text(request.Language, "not_admin"), cancellationToken);
                else
                    await api.SendTextAsync(request, texts.Text(request.Language, "lang"), cancellationToken, LanguageKeyboard());
                return true;
            case "mode":
                if (!await MayChangeSettingsAsync(message.Chat, request.User, message.SenderChat, cancellationToken))
                {
                    await api.SendTextAsync(request, texts.Text(request.Language, "not_admin"), cancellationToken);
                    return true;
                }
                // "/mode" alone switches files on and off as it always has; "/mode photos|video|files" picks one of the three.
                FileMode? chosen = command.Argument?.Trim().ToLowerInvariant() switch
                {
                    null or "" => settings.FileMode == FileMode.Files ? FileMode.Media : FileMode.Files,
                    "photos" or "photo" or "album" => FileMode.Media,
                    "video" or "videos" => FileMode.Video,
                    "files" or "file" or "documents" => FileMode.Files,
                    _ => null,
                };
                if (chosen is not { } mode)
                {
                    await api.SendTextAsync(request, texts.Text(request.Language, "mode_usage"), cancellationToken);
                    return true;
                }
                await store.SaveChatSettingsAsync(settings with { FileMode = mode }, cancellationToken);
                await api.SendTextAsync(request, texts.Text(request.Language, mode switch
                {
                    FileMode.Files => "file_mode_on",
                    FileMode.Video => "video_mode_on",
                    _ => "file_mode_off",
                }), cancellationToken);
                return true;
            case "stats":
                // Silence for everyone else: the command's existence is nobody's business.
                if (options.Value.AdminIds.Contains(request.User.Id))
                    await api.SendTextAsync(request, await StatsTextAsync(request.Language, cancellationToken), cancellationToken);
                return true;
            default:
                return false;
        }
    }

    private async Task<Handled> OnCallbackQueryAsync(CallbackQuery query, CancellationToken cancellationToken)
    {
        var data = query.Data ?? "";
        if (data.StartsWith(LanguagePrefix, StringComparison.Ordinal) && query.Message is { } message)
        {
            await ChangeLanguageAsync(query, message, data[LanguagePrefix.Length..], cancellationToken);
            return Handled.Done;
        }
        if (data.StartsWith(MusicPrefix, StringComparison.Ordinal) && query.Message is { } withButton)
        {
            // Answered before anything else: the spinner stops at once, and an answer after the job would come too late.
            await AnswerAsync(query.Id, text: null, cancellationToken);
            // A button on a message from before the group became a supergroup: the answer goes to the supergroup.
            var chatId = await migrations.ResolveAsync(withButton.Chat.Id, cancellationToken);
            var settings = await store.GetChatSettingsAsync(chatId, cancellationToken);
            var request = ChatRequest.For(withButton, query.From, texts.LanguageFor(settings.Language, query.From.LanguageCode), settings.FileMode)
                with { ChatId = chatId };
            return await jobs.StartMusicAsync(request, data[MusicPrefix.Length..], cancellationToken);
        }
        // The inline result's ⏳ button and anything stale: just stop the spinner.
        await AnswerAsync(query.Id, text: null, cancellationToken);
        return Handled.Done;
    }

    private Task AnswerAsync(string queryId, string? text, CancellationToken cancellationToken) =>
        api.TryCallAsync("answerCallbackQuery", (client, token) => client.AnswerCallbackQuery(queryId, text, cancellationToken: token),
            cancellationToken);

    private async Task ChangeLanguageAsync(CallbackQuery query, Message message, string language, CancellationToken cancellationToken)
    {
        var settings = await store.GetChatSettingsAsync(message.Chat.Id, cancellationToken);
        string answer;
        if (!texts.Has(language))
        {
            answer = texts.Text(texts.LanguageFor(settings.Language, query.From.LanguageCode), "error");
        }
        else if (!await MayChangeSettingsAsync(message.Chat, query.From, senderChat: null, cancellationToken))
        {
            answer = texts.Text(texts.LanguageFor(settings.Language, query.From.LanguageCode), "not_admin");
        }
        else
        {
            try
            {
                await store.SaveChatSettingsAsync(settings with { Language = language }, cancellationToken);
                answer = texts.Text(language, "lang_changed");
                await api.TryCallAsync("editMessageText", (client, token) =>
                    client.EditMessageText(message.Chat.Id, message.MessageId, answer, cancellationToken: token), cancellationToken);
            }
            catch (StorageUnavailableException ex)
            {
                answer = errors.Text(texts.LanguageFor(settings.Language, query.From.LanguageCode), errors.KeyFor(ex));
            }
        }
        await AnswerAsync(query.Id, answer, cancellationToken);
    }

    private async Task<Handled> OnMyChatMemberAsync(ChatMemberUpdated member, CancellationToken cancellationToken)
    {
        logger.MembershipChanged(member.Chat.Id, member.Chat.Type.ToString(), member.NewChatMember.Status.ToString());
        await groupNotice.OnMembershipAsync(member, cancellationToken);
        return Handled.Done;
    }

    /// <summary>Private chats: the user. Groups: administrators only (an anonymous admin posts as the chat itself).</summary>
    private async Task<bool> MayChangeSettingsAsync(Chat chat, User user, Chat? senderChat, CancellationToken cancellationToken)
    {
        if (chat.Type == ChatType.Private || senderChat?.Id == chat.Id) return true;
        var member = await api.CallAsync("getChatMember", (client, token) => client.GetChatMember(chat.Id, user.Id, token), cancellationToken);
        return member.Status is ChatMemberStatus.Creator or ChatMemberStatus.Administrator;
    }

    private InlineKeyboardMarkup LanguageKeyboard() =>
        new(texts.Languages
            .Select(code => InlineKeyboardButton.WithCallbackData(texts.Text(code, "language_name"), LanguagePrefix + code))
            .Chunk(2));

    private async Task<string> StatsTextAsync(string language, CancellationToken cancellationToken)
    {
        var stats = await store.GetStatsAsync(time.GetUtcNow(), cancellationToken);
        return texts.Text(language, "stats",
            ("users", stats.UsersTotal.ToString(CultureInfo.InvariantCulture)),
            ("users_today", stats.UsersNewToday.ToString(CultureInfo.InvariantCulture)),
            ("today", ByKind(stats.DownloadsToday)),
            ("total", ByKind(stats.DownloadsTotal)),
            ("cache_ratio", stats.CacheHitRatio.ToString("P0", CultureInfo.InvariantCulture)));

        static string ByKind(IReadOnlyDictionary<DownloadKind, long> counts) =>
            $"{counts.Values.Sum()} (" + string.Join(", ", Enum.GetValues<DownloadKind>()
                .Select(kind => $"{kind.ToString().ToLowerInvariant()} {counts.GetValueOrDefault(kind)}")) + ")";
    }

    private static List<MessageLink>? LinksOf(Message message) =>
        (message.Entities ?? message.CaptionEntities) is { } entities
            ? entities.Where(e => e.Type is MessageEntityType.Url or MessageEntityType.TextLink)
                .Select(e => new MessageLink(e.Offset, e.Length, e.Type == MessageEntityType.TextLink ? e.Url : null))
                .ToList()
            : null;

    private static bool HasAnyLink(Message message) =>
        (message.Entities ?? message.CaptionEntities)?.Any(e => e.Type is MessageEntityType.Url or MessageEntityType.TextLink) == true
        || (message.Text ?? message.Caption ?? "").Contains("http", StringComparison.OrdinalIgnoreCase);
}
