using System.Collections.Concurrent;
using AotBot.Storage;
using Microsoft.Extensions.Logging;

namespace AotBot.Telegram;

/// <summary>
/// Groups that became supergroups. Telegram answers a send to the old id with a 400 carrying
/// <c>parameters.migrate_to_chat_id</c> (and posts a service message with <c>migrate_to_chat_id</c>); from then on the
/// group's settings and its sends belong to the new id, and buttons on the old messages are pressed "in" the old id.
/// </summary>
internal sealed class ChatMigrations(IBotStore store, TimeProvider time, ILogger<ChatMigrations> logger)
{
    // Chat id → where to send; a chat that did not move maps to itself, so it costs one store read per process.
    private readonly ConcurrentDictionary<long, long> _targets = new();

    /// <summary>The chat to send to for <paramref name="chatId"/>: the supergroup it became, or itself.</summary>
    public async Task<long> ResolveAsync(long chatId, CancellationToken cancellationToken)
    {
        // Private chats and supergroups (ids from -100…) never migrate; only basic groups do.
        if (chatId > 0) return chatId;
        if (_targets.TryGetValue(chatId, out var target)) return target;
        target = await store.GetChatMigrationAsync(chatId, cancellationToken) ?? chatId;
        return _targets.GetOrAdd(chatId, target);
    }

    /// <summary>Where a send to <paramref name="chatId"/> goes, as far as this process knows without asking the store.</summary>
    public long Known(long chatId) => _targets.TryGetValue(chatId, out var target) ? target : chatId;

    /// <summary>Records the move and copies the chat's settings to the supergroup.</summary>
    public async Task MovedAsync(long fromChatId, long toChatId, CancellationToken cancellationToken)
    {
        if (fromChatId == toChatId || _targets.TryGetValue(fromChatId, out var known) && known == toChatId) return;
        _targets[fromChatId] = toChatId;
        await store.MigrateChatAsync(fromChatId, toChatId, time.GetUtcNow(), cancellationToken);
        logger.ChatMigrated(fromChatId, toChatId);
    }
}
