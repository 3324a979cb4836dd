using System.Collections.Concurrent;

namespace AotBot.Storage;

/// <summary>Keeps everything in memory, with the same semantics as the SQL stores: for tests of other capabilities.</summary>
internal sealed class InMemoryBotStore : IBotStore
{
    private readonly ConcurrentDictionary<long, ChatSettings> _chats = new();
    private readonly ConcurrentDictionary<long, UserRecord> _users = new();
    private readonly ConcurrentDictionary<(string, string, FileMode), CachedMedia> _cache = new();
    private readonly ConcurrentQueue<DownloadRecord> _downloads = new();
    private readonly ConcurrentDictionary<long, long> _migrations = new();
    private readonly ConcurrentDictionary<long, DateTimeOffset> _groupNotices = new();

    public Task<ChatSettings> GetChatSettingsAsync(long chatId, CancellationToken cancellationToken) =>
        Task.FromResult(_chats.TryGetValue(chatId, out var s) ? s : ChatSettings.Default(chatId));

    public Task SaveChatSettingsAsync(ChatSettings settings, CancellationToken cancellationToken)
    {
        _chats[settings.ChatId] = settings;
        return Task.CompletedTask;
    }

    public Task<long?> GetChatMigrationAsync(long chatId, CancellationToken cancellationToken) =>
        Task.FromResult(_migrations.TryGetValue(chatId, out var to) ? to : (long?)null);

    public Task MigrateChatAsync(long fromChatId, long toChatId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _migrations[fromChatId] = toChatId;
        if (_chats.TryGetValue(fromChatId, out var settings)) _chats.TryAdd(toChatId, settings with { ChatId = toChatId });
        if (_groupNotices.TryGetValue(fromChatId, out var noticed)) _groupNotices.TryAdd(toChatId, noticed);
        return Task.CompletedTask;
    }

    public Task TouchUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        _users.AddOrUpdate(user.UserId, user, (_, first) =>
            first.StartArgument is null && user.StartArgument is not null ? first with { StartArgument = user.StartArgument } : first);
        return Task.CompletedTask;
    }

    // The offset lives with the update queue (MemoryUpdateQueue in tests), which this store does not hold.
    public Task<long> GetUpdateOffsetAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<CachedMedia?> GetCachedMediaAsync(string source, string postId, FileMode mode, CancellationToken cancellationToken) =>
        Task.FromResult(_cache.TryGetValue((source, postId, mode), out var m) && m.Version == CachedMedia.CurrentVersion ? m : null);

    public Task SaveCachedMediaAsync(CachedMedia media, CancellationToken cancellationToken)
    {
        _cache[(media.Source, media.PostId, media.Mode)] = media;
        return Task.CompletedTask;
    }

    public Task RecordDownloadAsync(DownloadRecord record, CancellationToken cancellationToken)
    {
        _downloads.Enqueue(record);
        return Task.CompletedTask;
    }

    public Task<BotStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = now.UtcDateTime.Date;
        var downloads = _downloads.ToArray();
        var byKindToday = Enum.GetValues<DownloadKind>().ToDictionary(k => k, k => (long)downloads.Count(d => d.Kind == k && d.At.UtcDateTime.Date == today));
        var byKind = Enum.GetValues<DownloadKind>().ToDictionary(k => k, k => (long)downloads.Count(d => d.Kind == k));
        var ratio = downloads.Length == 0 ? 0 : downloads.Count(d => d.CacheHit) / (double)downloads.Length;
        return Task.FromResult(new BotStats(
            _users.Count, _users.Values.Count(u => u.SeenAt.UtcDateTime.Date == today), byKindToday, byKind, ratio));
    }

    public Task<bool> ClaimGroupNoticeAsync(long chatId, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult(_groupNotices.TryAdd(chatId, at));
}
