using AotBot.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace AotBot.Telegram;

/// <summary>
/// What is wrong with the bot's Telegram settings, as far as the bot knows: set by <see cref="StartupChecks"/> and the
/// poller, read by <c>/readyz</c>.
/// </summary>
internal sealed class TelegramSetup
{
    private volatile string? _inlineProblem;
    private volatile string? _pollConflict;

    /// <summary>Why inline mode cannot work (storage channel or BotFather's inline switch), or null.</summary>
    public string? InlineProblem
    {
        get => _inlineProblem;
        set => _inlineProblem = value;
    }

    /// <summary>Why getUpdates answers 409 while it does, or null.</summary>
    public string? PollConflict
    {
        get => _pollConflict;
        set => _pollConflict = value;
    }
}

/// <summary>Whether the bot can post to the storage channel, with what is wrong when it cannot.</summary>
internal readonly record struct ChannelRights(bool CanPost, string Detail)
{
    public const string Fix = "add the bot to the channel as an administrator with 'Post messages'";

    /// <summary>getChat, then getChatMember for the bot: an administrator of a channel that may post messages.</summary>
    public static async Task<ChannelRights> CheckAsync(ITelegramBotClient client, long channelId, long botId, CancellationToken cancellationToken)
    {
        ChatFullInfo chat;
        try
        {
            chat = await client.GetChat(channelId, cancellationToken);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 400 or 403)
        {
            return new(false, $"the bot cannot see chat {channelId} ({ex.Message}): it is not in it, or the id is wrong");
        }
        if (chat.Type != ChatType.Channel)
            return new(false, $"chat {channelId} is a {chat.Type.ToString().ToLowerInvariant()}, not a channel");
        var member = await client.GetChatMember(channelId, botId, cancellationToken);
        return member switch
        {
            ChatMemberAdministrator { CanPostMessages: true } or ChatMemberOwner =>
                new(true, $"the bot posts to channel '{chat.Title}' ({channelId}) as an administrator"),
            ChatMemberAdministrator =>
                new(false, $"the bot is an administrator of channel {channelId} without the right to post messages"),
            _ => new(false, $"the bot is {member.Status.ToString().ToLowerInvariant()} in channel {channelId}, not an administrator"),
        };
    }
}

/// <summary>
/// Start-up checks after the first getMe, each logged once and never fatal: privacy mode (groups), inline mode and
/// the storage channel's rights. A storage channel the bot cannot post to turns <c>/readyz</c>'s inline line degraded.
/// </summary>
internal sealed class StartupChecks(ITelegramBotClient client, BotIdentity me, TelegramSetup setup, IOptions<TelegramOptions> options,
    ILogger<StartupChecks> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!me.ReadsAllGroupMessages) logger.PrivacyModeOn(me.Username);
        if (options.Value.StorageChannelId is not { } channelId) return;
        if (!me.SupportsInlineQueries)
        {
            logger.InlineModeOff(me.Username);
            setup.InlineProblem = "inline mode is off in @BotFather (/setinline)";
        }
        try
        {
            var rights = await ChannelRights.CheckAsync(client, channelId, me.Id, cancellationToken);
            if (rights.CanPost) return;
            logger.StorageChannelUnusable(channelId, rights.Detail);
            setup.InlineProblem = $"storage channel {channelId}: {rights.Detail}";
        }
        catch (RequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var problem = $"could not be checked ({Redaction.Redact(ex.Message)})";
            logger.StorageChannelUnusable(channelId, problem);
            setup.InlineProblem ??= $"storage channel {channelId}: {problem}";
        }
    }
}

/// <summary>
/// <c>/readyz</c> line <c>inline</c>: degraded (still a 200, the bot serves everything else) while inline mode cannot
/// work; off without a storage channel.
/// </summary>
internal sealed class InlineReadinessCheck(TelegramSetup setup, IOptions<TelegramOptions> options) : IReadinessCheck
{
    public string Name => "inline";

    public ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(
        options.Value.StorageChannelId is null ? ReadinessResult.Ready("off (no Telegram:StorageChannelId)")
        : setup.InlineProblem is { } problem ? ReadinessResult.Degraded(problem)
        : ReadinessResult.Ready());
}
