using System.Diagnostics;
using System.Text;
using AotBot.Core;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Localization;
using AotBot.Sources.TikTok;
using AotBot.Sources;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;
using FileMode = AotBot.Storage.FileMode;
using Video = AotBot.Sources.Video;

namespace AotBot.Telegram;

/// <summary>
/// Sends a post to a chat the way the seed's media_types did, plus the file_id cache: videos (sendVideo, or
/// sendDocument in file mode), slideshows (albums of 10, a lone last image alone, then the caption message with the
/// music button; in video mode one video with its music, the caption and the button) and music (sendAudio). A post
/// sent before goes again by file_id with no download at all.
/// </summary>
internal sealed class MediaSender(
    BotApi api,
    ChatActions actions,
    IMediaDownloader downloader,
    MediaPreparation preparation,
    SlideshowVideos videos,
    IBotStore store,
    Localizer texts,
    BotIdentity me,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    BotMetrics metrics,
    ILogger<MediaSender> logger)
{
    internal const int AlbumSize = 10;
    internal const string MusicKeySuffix = "/music";
    internal static readonly TimeSpan ThumbnailAfter = TimeSpan.FromSeconds(60);
    private const int MaxCallbackDataBytes = 64;

    private readonly record struct Delivery(bool CacheHit, bool Converted);

    private sealed record Item(Payload Payload, bool AsDocument, bool IsVideo = false);

    /// <summary>Sends a video or slideshow answering <paramref name="request"/>.</summary>
    public async Task SendPostAsync(ChatRequest request, MediaPost post, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Video mode changes only how slideshows go: a video post is the same as in photo mode, and shares its cache.
        var mode = post is Video && request.Mode == FileMode.Video ? FileMode.Media : request.Mode;
        var cached = await store.GetCachedMediaAsync(post.Source, post.PostId, mode, cancellationToken);
        var (kind, delivery) = post switch
        {
            Video video => (DownloadKind.Video, await SendVideoAsync(request, video, cached, cancellationToken)),
            Slideshow slideshow => (DownloadKind.Slideshow, await SendSlideshowAsync(request, slideshow, cached, cancellationToken)),
            _ => throw new MediaExtractionException($"A {post.GetType().Name} cannot be sent."),
        };
        await RecordAsync(request, post.Source, post.PostId, kind, delivery, started, cancellationToken);
    }

    /// <summary>Sends the music of a post: from the cache by file_id, else extracted with <paramref name="extract"/> and uploaded.</summary>
    public async Task SendMusicAsync(ChatRequest request, string source, string postId,
        Func<CancellationToken, Task<MediaPost>> extract, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var key = postId + MusicKeySuffix;
        await using var action = actions.Start(request.ChatId, ChatAction.UploadDocument, request.ThreadId, cancellationToken);
        if (await store.GetCachedMediaAsync(source, key, FileMode.Media, cancellationToken) is { FileIds: [var cachedFile, ..] } cached)
        {
            await SendAudioAsync(request, Payload.Cached(cachedFile.FileId), cover: null, cached.MusicTitle, cached.MusicPerformer,
                cached.DurationSeconds, cancellationToken);
            await RecordAsync(request, source, key, DownloadKind.Music, new Delivery(true, false), started, cancellationToken);
            return;
        }

        var post = await extract(cancellationToken);
        if (post.Music is not { File: { } file } music)
            throw new MediaUnavailableException($"Post {post.PostId} has no music to send.");
        await using var body = await downloader.DownloadAsync(file, post.Download, cancellationToken, limits.Value.MaxUploadBytes);
        await using var cover = await preparation.TryMakeThumbnailAsync(music.Cover, post.Download, cancellationToken);
        var duration = (int)music.Duration.TotalSeconds;
        var message = await SendAudioAsync(request, Payload.Of(body, post.PostId + await MediaPreparation.AudioExtensionAsync(body, cancellationToken)), cover, music.Title, music.Author,
            duration, cancellationToken);
        if (message.Audio?.FileId is { } fileId)
        {
            await store.SaveCachedMediaAsync(new CachedMedia(source, key, FileMode.Media, DownloadKind.Music,
                [new CachedFile(fileId, "audio")], null, null, duration, null, music.Title, music.Author), cancellationToken);
        }
        await RecordAsync(request, source, key, DownloadKind.Music, new Delivery(false, false), started, cancellationToken);
    }

    private async Task<Delivery> SendVideoAsync(ChatRequest request, Video video, CachedMedia? cached, CancellationToken cancellationToken)
    {
        var asDocument = request.Mode == FileMode.Files;
        await using var action = actions.Start(request.ChatId, asDocument ? ChatAction.UploadDocument : ChatAction.UploadVideo,
            request.ThreadId, cancellationToken);
        if (cached is { Kind: DownloadKind.Video, FileIds: [var cachedFile, ..] })
        {
            await SendVideoMessageAsync(request, video, Payload.Cached(cachedFile.FileId), thumbnail: null, asDocument, cancellationToken);
            return new Delivery(CacheHit: true, Converted: false);
        }

        // Over Limits:MaxUploadBytes the downloader stops early with MediaTooLargeException: the user gets the link.
        await using var body = await downloader.DownloadAsync(video.File, video.Download, cancellationToken, limits.Value.MaxUploadBytes);
        await using var thumbnail = video.Duration > ThumbnailAfter
            ? await preparation.TryMakeThumbnailAsync(video.Cover, video.Download, cancellationToken)
            : null;
        var message = await SendVideoMessageAsync(request, video, Payload.Of(body, $"{video.PostId}.mp4"), thumbnail, asDocument, cancellationToken);
        if (FileOf(message) is { } sent)
        {
            await store.SaveCachedMediaAsync(new CachedMedia(video.Source, video.PostId, asDocument ? FileMode.Files : FileMode.Media, DownloadKind.Video,
                [sent], video.Width, video.Height, (int)video.Duration.TotalSeconds, null, video.Music?.Title, video.Music?.Author),
                cancellationToken);
        }
        return new Delivery(CacheHit: false, Converted: false);
    }

    private Task<Message> SendVideoMessageAsync(ChatRequest request, Video video, Payload payload, DownloadedFile? thumbnail,
        bool asDocument, CancellationToken cancellationToken)
    {
        var caption = ResultCaption(request, video);
        var markup = MusicButton(request, video);
        if (asDocument)
        {
            return api.SendAsync(request.ChatId, "sendDocument", async (client, chat, token) =>
            {
                await using var streams = new OpenStreams();
                return await client.SendDocument(chat, payload.Open(streams), caption, ParseMode.Html, request.Reply, markup,
                    messageThreadId: request.ThreadId, disableContentTypeDetection: true, disableNotification: request.Silent,
                    cancellationToken: token);
            }, cancellationToken);
        }
        return api.SendAsync(request.ChatId, "sendVideo", async (client, chat, token) =>
        {
            await using var streams = new OpenStreams();
            return await client.SendVideo(chat, payload.Open(streams), caption, ParseMode.Html, request.Reply, markup,
                duration: Positive((int)video.Duration.TotalSeconds), width: Positive(video.Width), height: Positive(video.Height),
                thumbnail: thumbnail is null ? null : Payload.Of(thumbnail, "cover.jpg").Open(streams),
                messageThreadId: request.ThreadId, supportsStreaming: true, disableNotification: request.Silent,
                cancellationToken: token);
        }, cancellationToken);
    }

    private async Task<Delivery> SendSlideshowAsync(ChatRequest request, Slideshow slideshow, CachedMedia? cached, CancellationToken cancellationToken)
    {
        var images = request.IsPrivate ? slideshow.Images : slideshow.Images.Take(limits.Value.GroupImageLimit).ToList();
        if (request.Mode == FileMode.Video && await TrySendSlideshowVideoAsync(request, slideshow, images, cached, cancellationToken) is { } video)
            return video;
        var asDocuments = request.Mode == FileMode.Files;
        await using var action = actions.Start(request.ChatId, asDocuments ? ChatAction.UploadDocument : ChatAction.UploadPhoto,
            request.ThreadId, cancellationToken);
        if (cached is { Kind: DownloadKind.Slideshow } && cached.FileIds.Count >= images.Count)
        {
            var items = cached.FileIds.Take(images.Count).Select(f => new Item(Payload.Cached(f.FileId), f.SentAs == "document", f.SentAs == "video")).ToList();
            await SendItemsAsync(request, items, cancellationToken);
            await SendSlideshowCaptionAsync(request, slideshow, cancellationToken);
            return new Delivery(CacheHit: true, Converted: false);
        }

        var outcomes = await downloader.DownloadAllAsync(images, slideshow.Download, cancellationToken);
        PreparedImage[] converted = [];
        try
        {
            var downloaded = new List<(int Index, DownloadedFile File)>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].File is { } file) downloaded.Add((i, file));
                else logger.ImageSkipped(i, slideshow.Source, slideshow.PostId, outcomes[i].Error?.Message ?? "no file");
            }
            if (downloaded.Count == 0)
                throw outcomes.Select(o => o.Error).OfType<AotBotException>().FirstOrDefault()
                      ?? new NetworkException($"No image of post {slideshow.PostId} could be downloaded.");

            // An album's videos (Instagram) go as they are, in their places; only its photos are prepared.
            (var prepared, converted) = await PrepareImagesAsync(request, slideshow,
                downloaded.Where(d => !images[d.Index].IsVideo).ToList(), asDocuments, cancellationToken);
            var photos = new Queue<Item>(prepared);
            var sent = await SendItemsAsync(request, [.. downloaded.Select(d => images[d.Index].IsVideo
                ? new Item(Payload.Of(d.File, $"{slideshow.PostId}_{d.Index + 1}.mp4"), asDocuments, IsVideo: true)
                : photos.Dequeue())], cancellationToken);
            await SendSlideshowCaptionAsync(request, slideshow, cancellationToken);
            // Only a complete set is worth caching: a partial one would answer later requests with missing images.
            if (sent.OfType<CachedFile>().ToList() is { } files && files.Count == images.Count)
            {
                await store.SaveCachedMediaAsync(new CachedMedia(slideshow.Source, slideshow.PostId, request.Mode, DownloadKind.Slideshow,
                    files, null, null, null, null, slideshow.Music?.Title, slideshow.Music?.Author), cancellationToken);
            }
            return new Delivery(CacheHit: false, converted.Length > 0);
        }
        finally
        {
            foreach (var outcome in outcomes)
            {
                if (outcome.File is { } file) await file.DisposeAsync();
            }
            foreach (var image in converted) await image.DisposeAsync();
        }
    }

    /// <summary>
    /// Video mode: the slideshow as one video (from the cache by file_id, else composed and uploaded), with the caption
    /// and music button on it. Null when the album goes instead (<see cref="SlideshowVideos"/> says why in the log).
    /// </summary>
    private async Task<Delivery?> TrySendSlideshowVideoAsync(ChatRequest request, Slideshow slideshow, IReadOnlyList<MediaFile> images,
        CachedMedia? cached, CancellationToken cancellationToken)
    {
        await using var action = actions.Start(request.ChatId, ChatAction.UploadVideo, request.ThreadId, cancellationToken);
        if (cached is { Kind: DownloadKind.Slideshow, FileIds: [{ SentAs: "video" } cachedFile] })
        {
            await SendSlideshowVideoAsync(request, slideshow, Payload.Cached(cachedFile.FileId), cached.Width, cached.Height,
                cached.DurationSeconds, cancellationToken);
            return new Delivery(CacheHit: true, Converted: false);
        }
        await using var made = await videos.TryMakeAsync(slideshow, images, cancellationToken);
        if (made is null)
            return null;
        var seconds = (int)Math.Round(made.Video.Duration.TotalSeconds);
        var message = await SendSlideshowVideoAsync(request, slideshow, Payload.Of(made.File, $"{slideshow.PostId}.mp4"),
            made.Video.Width, made.Video.Height, seconds, cancellationToken);
        // A group's video holds only its first images: cached, it would answer a private chat with fewer.
        if (FileOf(message) is { SentAs: "video" } sent && images.Count == slideshow.Images.Count)
        {
            await store.SaveCachedMediaAsync(new CachedMedia(slideshow.Source, slideshow.PostId, FileMode.Video, DownloadKind.Slideshow,
                [sent], made.Video.Width, made.Video.Height, seconds, null, slideshow.Music?.Title, slideshow.Music?.Author), cancellationToken);
        }
        return new Delivery(CacheHit: false, Converted: true);
    }

    private Task<Message> SendSlideshowVideoAsync(ChatRequest request, Slideshow slideshow, Payload payload, int? width, int? height,
        int? seconds, CancellationToken cancellationToken) =>
        api.SendAsync(request.ChatId, "sendVideo", async (client, chat, token) =>
        {
            await using var streams = new OpenStreams();
            return await client.SendVideo(chat, payload.Open(streams), ResultCaption(request, slideshow), ParseMode.Html, request.Reply,
                MusicButton(request, slideshow), duration: Positive(seconds ?? 0), width: Positive(width ?? 0), height: Positive(height ?? 0),
                messageThreadId: request.ThreadId, supportsStreaming: true, disableNotification: request.Silent, cancellationToken: token);
        }, cancellationToken);

    /// <summary>The items to send, and the converted images, which the caller disposes once they are sent.</summary>
    private async Task<(List<Item> Items, PreparedImage[] Converted)> PrepareImagesAsync(ChatRequest request, Slideshow slideshow,
        List<(int Index, DownloadedFile File)> downloaded, bool asDocuments, CancellationToken cancellationToken)
    {
        var formats = new ImageFormat[downloaded.Count];
        for (var i = 0; i < downloaded.Count; i++)
            formats[i] = await MediaPreparation.SniffAsync(downloaded[i].File, cancellationToken);
        string NameOf(int i) => $"{slideshow.PostId}_{downloaded[i].Index + 1}";

        if (asDocuments)
        {
            // File mode: the originals, no conversion.
            return (downloaded.Select((d, i) => new Item(Payload.Of(d.File, NameOf(i) + MediaPreparation.Extension(formats[i])), true)).ToList(), []);
        }

        Message? processing = null;
        if (request.IsPrivate && formats.Any(f => !ImageSniffer.IsTelegramPhotoFormat(f)))
            processing = await api.SendTextAsync(request, texts.Text(request.Language, "processing"), cancellationToken);
        try
        {
            var preparing = downloaded.Select((d, i) => preparation.PrepareAsync(d.File, formats[i], NameOf(i),
                error =>
                {
                    logger.ConversionFailed(d.Index, slideshow.Source, slideshow.PostId, error.Message);
                    return Task.CompletedTask;
                }, cancellationToken)).ToList();
            try
            {
                await Task.WhenAll(preparing);
            }
            catch
            {
                // The images that did convert hold memory or temp files nobody else will free.
                foreach (var done in preparing.Where(t => t.IsCompletedSuccessfully)) await done.Result.DisposeAsync();
                throw;
            }
            var prepared = preparing.Select(t => t.Result).ToList();
            return (prepared.Select(p => new Item(p.Payload, p.AsDocument)).ToList(), [.. prepared.Where(p => p.Converted)]);
        }
        finally
        {
            if (processing is not null)
            {
                await api.TryCallAsync("deleteMessage", (client, token) =>
                    client.DeleteMessage(request.ChatId, processing.MessageId, token), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Photos (and an album's videos, in their places) in albums of up to 10, then documents the same way (Telegram does not mix them); a lone item goes on
    /// its own, since an album needs 2 to 10. Returns the file_ids in the order of <paramref name="items"/>.
    /// </summary>
    private async Task<List<CachedFile?>> SendItemsAsync(ChatRequest request, List<Item> items, CancellationToken cancellationToken)
    {
        var sent = new CachedFile?[items.Count];
        foreach (var asDocuments in new[] { false, true })
        {
            var indexes = Enumerable.Range(0, items.Count).Where(i => items[i].AsDocument == asDocuments).ToList();
            foreach (var chunk in indexes.Chunk(AlbumSize))
            {
                var payloads = chunk.Select(i => items[i]).ToList();
                var messages = chunk.Length == 1 && asDocuments
                    ? [await SendSingleAsync(request, payloads[0], asDocuments, cancellationToken)]
                    : asDocuments ? await SendAlbumAsync(request, payloads, asDocuments, cancellationToken)
                    : await SendPhotosAsync(request, payloads, cancellationToken);
                for (var j = 0; j < chunk.Length && j < messages.Length; j++)
                    sent[chunk[j]] = FileOf(messages[j]);
            }
        }
        return [.. sent];
    }

    /// <summary>
    /// Photos as an album (or one photo), and when Telegram still refuses an image in it (PHOTO_INVALID_DIMENSIONS,
    /// IMAGE_PROCESS_FAILED, PHOTO_SAVE_FILE_INVALID: limits our checks could not see), one by one, each refused one as a document.
    /// </summary>
    private async Task<Message[]> SendPhotosAsync(ChatRequest request, List<Item> payloads, CancellationToken cancellationToken)
    {
        try
        {
            return payloads.Count == 1
                ? [await SendSingleAsync(request, payloads[0], asDocument: false, cancellationToken)]
                : await SendAlbumAsync(request, payloads, asDocuments: false, cancellationToken);
        }
        catch (ApiRequestException ex) when (IsRefusedPhoto(ex))
        {
            logger.AlbumRefused(request.ChatId, payloads.Count, ex.Message);
        }
        var messages = new Message[payloads.Count];
        for (var i = 0; i < payloads.Count; i++)
        {
            try
            {
                messages[i] = await SendSingleAsync(request, payloads[i], asDocument: false, cancellationToken);
            }
            catch (ApiRequestException ex) when (IsRefusedPhoto(ex))
            {
                messages[i] = await SendSingleAsync(request, payloads[i], asDocument: true, cancellationToken);
            }
        }
        return messages;
    }

    private static bool IsRefusedPhoto(ApiRequestException ex) =>
        ex.ErrorCode == 400 && (ex.Message.Contains("PHOTO_INVALID_DIMENSIONS", StringComparison.Ordinal)
            || ex.Message.Contains("IMAGE_PROCESS_FAILED", StringComparison.Ordinal)
            || ex.Message.Contains("PHOTO_SAVE_FILE_INVALID", StringComparison.Ordinal));

    private Task<Message> SendSingleAsync(ChatRequest request, Item item, bool asDocument, CancellationToken cancellationToken)
    {
        var payload = item.Payload;
        if (asDocument)
        {
            return api.SendAsync(request.ChatId, "sendDocument", async (client, chat, token) =>
            {
                await using var streams = new OpenStreams();
                return await client.SendDocument(chat, payload.Open(streams), replyParameters: request.Reply,
                    messageThreadId: request.ThreadId, disableContentTypeDetection: true, disableNotification: true, cancellationToken: token);
            }, cancellationToken);
        }
        if (item.IsVideo)
        {
            return api.SendAsync(request.ChatId, "sendVideo", async (client, chat, token) =>
            {
                await using var streams = new OpenStreams();
                return await client.SendVideo(chat, payload.Open(streams), replyParameters: request.Reply,
                    messageThreadId: request.ThreadId, supportsStreaming: true, disableNotification: true, cancellationToken: token);
            }, cancellationToken);
        }
        return api.SendAsync(request.ChatId, "sendPhoto", async (client, chat, token) =>
            {
                await using var streams = new OpenStreams();
                return await client.SendPhoto(chat, payload.Open(streams), replyParameters: request.Reply,
                    messageThreadId: request.ThreadId, disableNotification: true, cancellationToken: token);
            }, cancellationToken);
    }

    private Task<Message[]> SendAlbumAsync(ChatRequest request, List<Item> items, bool asDocuments, CancellationToken cancellationToken) =>
        api.SendAsync(request.ChatId, "sendMediaGroup", async (client, chat, token) =>
        {
            await using var streams = new OpenStreams();
            var media = items.Select(item => asDocuments
                ? (IAlbumInputMedia)new InputMediaDocument(item.Payload.Open(streams)) { DisableContentTypeDetection = true }
                : item.IsVideo
                    ? new InputMediaVideo(item.Payload.Open(streams)) { SupportsStreaming = true }
                    : new InputMediaPhoto(item.Payload.Open(streams))).ToList();
            return await client.SendMediaGroup(chat, media, request.Reply, request.ThreadId, disableNotification: true,
                cancellationToken: token);
        }, cancellationToken, weight: items.Count);

    private Task<Message> SendSlideshowCaptionAsync(ChatRequest request, Slideshow slideshow, CancellationToken cancellationToken) =>
        api.SendTextAsync(request, ResultCaption(request, slideshow), cancellationToken, MusicButton(request, slideshow));

    private Task<Message> SendAudioAsync(ChatRequest request, Payload payload, DownloadedFile? cover, string? title, string? performer,
        int? duration, CancellationToken cancellationToken) =>
        api.SendAsync(request.ChatId, "sendAudio", async (client, chat, token) =>
        {
            await using var streams = new OpenStreams();
            return await client.SendAudio(chat, payload.Open(streams), Captions.Tag(BotTag(request)), ParseMode.Html,
                request.Reply, duration: Positive(duration ?? 0), performer: performer, title: title,
                thumbnail: cover is null ? null : Payload.Of(cover, "cover.jpg").Open(streams),
                messageThreadId: request.ThreadId, disableNotification: request.Silent, cancellationToken: token);
        }, cancellationToken);

    private string BotTag(ChatRequest request) => texts.Text(request.Language, "bot_tag", ("bot", me.Username));

    private string ResultCaption(ChatRequest request, MediaPost post) => Captions.Result(BotTag(request), preview: null, post.Link);

    /// <summary>The seed's music button (<c>music_&lt;post id&gt;</c>) for TikTok posts with music.</summary>
    private InlineKeyboardMarkup? MusicButton(ChatRequest request, MediaPost post)
    {
        if (post.Source != TikTokMapping.SourceName || post.Music?.File is null) return null;
        var data = UpdateHandler.MusicPrefix + post.PostId;
        if (Encoding.UTF8.GetByteCount(data) > MaxCallbackDataBytes) return null;
        return new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData(texts.Text(request.Language, "music_button"), data));
    }

    private async Task RecordAsync(ChatRequest request, string source, string postId, DownloadKind kind, Delivery delivery, long started,
        CancellationToken cancellationToken)
    {
        await store.RecordDownloadAsync(new DownloadRecord(request.User.Id, request.ChatId, source, postId, kind, delivery.Converted,
            Inline: false, delivery.CacheHit, time.GetUtcNow()), cancellationToken);
        metrics.CacheLookup(delivery.CacheHit);
        logger.Delivered(kind.ToString(), source, postId, request.ChatId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            delivery.CacheHit, delivery.Converted);
    }

    private static CachedFile? FileOf(Message message) => message switch
    {
        { Photo: [.., var largest] } => new CachedFile(largest.FileId, "photo"),
        { Document: { } document } => new CachedFile(document.FileId, "document"),
        { Video: { } video } => new CachedFile(video.FileId, "video"),
        _ => null,
    };

    private static int? Positive(int value) => value > 0 ? value : null;
}
