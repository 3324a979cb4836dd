using System.Collections.Concurrent;
using AotBot.Storage;
using FileMode = AotBot.Storage.FileMode;

namespace AotBot.Tests.Telegram;

/// <summary>The in-memory store with the users it was told about kept readable (IBotStore has no user query).</summary>
internal sealed class RecordingStore(IBotStore inner) : IBotStore
{
    public ConcurrentQueue<UserRecord> Touched { get; } = new();

    public Task TouchUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        Touched.Enqueue(user);
        return inner.TouchUserAsync(user, cancellationToken);
    }

    public Task<ChatSettings> GetChatSettingsAsync(long chatId, CancellationToken cancellationToken) => inner.GetChatSettingsAsync(chatId, cancellationToken);
    public Task SaveChatSettingsAsync(ChatSettings settings, CancellationToken cancellationToken) => inner.SaveChatSettingsAsync(settings, cancellationToken);
    public Task<long> GetUpdateOffsetAsync(CancellationToken cancellationToken) => inner.GetUpdateOffsetAsync(cancellationToken);
    public Task<CachedMedia?> GetCachedMediaAsync(string source, string postId, FileMode mode, CancellationToken cancellationToken) => inner.GetCachedMediaAsync(source, postId, mode, cancellationToken);
    public Task SaveCachedMediaAsync(CachedMedia media, CancellationToken cancellationToken) => inner.SaveCachedMediaAsync(media, cancellationToken);
    public Task RecordDownloadAsync(DownloadRecord record, CancellationToken cancellationToken) => inner.RecordDownloadAsync(record, cancellationToken);
    public Task<long?> GetChatMigrationAsync(long chatId, CancellationToken cancellationToken) => inner.GetChatMigrationAsync(chatId, cancellationToken);
    public Task MigrateChatAsync(long fromChatId, long toChatId, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.MigrateChatAsync(fromChatId, toChatId, at, cancellationToken);
    public Task<BotStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.GetStatsAsync(now, cancellationToken);
    public Task<bool> ClaimGroupNoticeAsync(long chatId, DateTimeOffset at, CancellationToken cancellationToken) => inner.ClaimGroupNoticeAsync(chatId, at, cancellationToken);
}
