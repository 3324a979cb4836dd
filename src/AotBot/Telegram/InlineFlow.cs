using AotBot.Core;
using AotBot.Http;
using AotBot.Localization;
using AotBot.Sources;
using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.InlineQueryResults;
using Telegram.Bot.Types.ReplyMarkups;
using FileMode = AotBot.Storage.FileMode;
using Video = AotBot.Sources.Video;

namespace AotBot.Telegram;

/// <summary>
/// Inline mode: the query is answered at once with one placeholder whose ⏳ button makes Telegram report the chosen
/// result with an <c>inline_message_id</c>; then the media is uploaded to <c>Telegram:StorageChannelId</c> for a
/// file_id (or taken from the cache) and the placeholder is edited into it. Without a storage channel the answer
/// says inline mode is off.
/// </summary>
internal sealed class InlineFlow(
    BotApi api,
    Localizer texts,
    IBotStore store,
    BotIdentity me,
    LinkFinder links,
    MediaSources sources,
    IMediaDownloader downloader,
    MediaPreparation preparation,
    SlideshowVideos videos,
    JobLimiter limiter,
    ErrorMessages errors,
    IOptions<TelegramOptions> options,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    BotMetrics metrics,
    ILogger<InlineFlow> logger)
{
    internal const string WaitButtonData = "wait";
    internal static readonly TimeSpan ThumbnailAfter = TimeSpan.FromSeconds(30);

    public async Task<Handled> AnswerAsync(InlineQuery query, CancellationToken cancellationToken)
    {
        var found = links.Find(query.Query, maxLinks: 1);
        InlineQueryResult[] results = [];
        if (found.Count > 0)
        {
            var language = await LanguageOfAsync(query.From, cancellationToken);
            results = [options.Value.StorageChannelId is null ? OffResult(language) : Placeholder(language, found[0])];
        }
        await api.CallAsync("answerInlineQuery", (client, token) =>
            client.AnswerInlineQuery(query.Id, results, cacheTime: 0, isPersonal: true, cancellationToken: token), cancellationToken);
        return Handled.Done;
    }

    public async Task<Handled> OnChosenAsync(ChosenInlineResult chosen, CancellationToken cancellationToken)
    {
        if (chosen.InlineMessageId is not { } inlineMessageId || options.Value.StorageChannelId is not { } storageChannel)
            return Handled.Done;
        var found = links.Find(chosen.Query, maxLinks: 1);
        if (found.Count == 0) return Handled.Done;
        var language = await LanguageOfAsync(chosen.From, cancellationToken);
        if (await limiter.TryAdmitAsync(chosen.From.Id, cancellationToken) is not { } lease)
        {
            logger.QueueFull(chosen.From.Id, limiter.MaxJobsPerUser);
            metrics.JobFinished("inline", "error_queue_full");
            await EditToTextAsync(inlineMessageId, errors.Text(language, "error_queue_full"), cancellationToken);
            return Handled.Done;
        }
        var job = new InlineJob(chosen.From, found[0], inlineMessageId, storageChannel, language);
        return new Handled(Task.Run(() => RunAsync(job, lease, cancellationToken), CancellationToken.None));
    }

    private sealed record InlineJob(User User, Uri Link, string InlineMessageId, long StorageChannel, string Language);

    private async Task RunAsync(InlineJob job, IAsyncDisposable lease, CancellationToken cancellationToken)
    {
        await using (lease)
        using (await limiter.EnterAsync(cancellationToken))
        {
            try
            {
                var post = await sources.ExtractAsync(job.Link, cancellationToken);
                var (media, kind, cacheHit, converted) = post switch
                {
                    Video video => await VideoMediaAsync(job, video, cancellationToken),
                    Slideshow slideshow => await SlideshowMediaAsync(job, slideshow, cancellationToken),
                    _ => throw new MediaExtractionException($"A {post.GetType().Name} cannot be sent inline."),
                };
                await api.CallAsync("editMessageMedia", (client, token) =>
                    client.EditMessageMedia(job.InlineMessageId, media, cancellationToken: token), cancellationToken);
                await store.RecordDownloadAsync(new DownloadRecord(job.User.Id, job.User.Id, post.Source, post.PostId, kind, converted,
                    Inline: true, cacheHit, time.GetUtcNow()), cancellationToken);
                metrics.CacheLookup(cacheHit);
                metrics.JobFinished("inline", "ok");
            }
            catch (Exception ex) when (!LinkJobs.IsStopping(ex, cancellationToken))
            {
                var key = errors.KeyFor(ex);
                logger.InlineFailed(job.User.Id, ex.GetType().Name, key, ex.Message);
                metrics.JobFinished("inline", key);
                await EditToTextAsync(job.InlineMessageId, errors.Text(job.Language, key, job.Link), cancellationToken);
            }
        }
    }

    private async Task<(InputMedia, DownloadKind, bool, bool)> VideoMediaAsync(InlineJob job, Video video, CancellationToken cancellationToken)
    {
        var caption = ResultCaption(job, video);
        if (await store.GetCachedMediaAsync(video.Source, video.PostId, FileMode.Media, cancellationToken) is
            { Kind: DownloadKind.Video, FileIds: [{ SentAs: "video" } cached, ..] })
            return (VideoMedia(cached.FileId, video, caption), DownloadKind.Video, true, false);

        await using var body = await downloader.DownloadAsync(video.File, video.Download, cancellationToken, limits.Value.MaxUploadBytes);
        await using var thumbnail = video.Duration > ThumbnailAfter
            ? await preparation.TryMakeThumbnailAsync(video.Cover, video.Download, cancellationToken)
            : null;
        var uploaded = await api.SendAsync(job.StorageChannel, "sendVideo", async (client, _, token) =>
        {
            await using var streams = new OpenStreams();
            return await client.SendVideo(job.StorageChannel, Payload.Of(body, $"{video.PostId}.mp4").Open(streams),
                Captions.Storage(job.User, video.Link), ParseMode.Html,
                duration: (int)video.Duration.TotalSeconds, width: video.Width, height: video.Height,
                thumbnail: thumbnail is null ? null : Payload.Of(thumbnail, "cover.jpg").Open(streams),
                supportsStreaming: true, disableNotification: true, cancellationToken: token);
        }, cancellationToken);
        var fileId = uploaded.Video?.FileId ?? throw new MediaExtractionException("Telegram returned no video file_id for the upload.");
        await store.SaveCachedMediaAsync(new CachedMedia(video.Source, video.PostId, FileMode.Media, DownloadKind.Video,
            [new CachedFile(fileId, "video")], video.Width, video.Height, (int)video.Duration.TotalSeconds, null,
            video.Music?.Title, video.Music?.Author), cancellationToken);
        return (VideoMedia(fileId, video, caption), DownloadKind.Video, false, false);
    }

    /// <summary>
    /// A slideshow answers as one video with its music, so an inline result shows every image (the file_id cache keeps
    /// the video under its own mode); when no video can be made, as its first image, as before.
    /// </summary>
    private async Task<(InputMedia, DownloadKind, bool, bool)> SlideshowMediaAsync(InlineJob job, Slideshow slideshow, CancellationToken cancellationToken)
    {
        var caption = ResultCaption(job, slideshow);
        if (await store.GetCachedMediaAsync(slideshow.Source, slideshow.PostId, FileMode.Video, cancellationToken) is
            { Kind: DownloadKind.Slideshow, FileIds: [{ SentAs: "video" } cached] } entry)
            return (SlideshowVideoMedia(cached.FileId, entry.Width, entry.Height, entry.DurationSeconds, caption), DownloadKind.Slideshow, true, false);

        await using var made = await videos.TryMakeAsync(slideshow, slideshow.Images, cancellationToken);
        if (made is null)
            return await FirstImageMediaAsync(job, slideshow, cancellationToken);
        var seconds = (int)Math.Round(made.Video.Duration.TotalSeconds);
        var uploaded = await api.SendAsync(job.StorageChannel, "sendVideo", async (client, _, token) =>
        {
            await using var streams = new OpenStreams();
            return await client.SendVideo(job.StorageChannel, Payload.Of(made.File, $"{slideshow.PostId}.mp4").Open(streams),
                Captions.Storage(job.User, slideshow.Link), ParseMode.Html, duration: seconds, width: made.Video.Width,
                height: made.Video.Height, supportsStreaming: true, disableNotification: true, cancellationToken: token);
        }, cancellationToken);
        var fileId = uploaded.Video?.FileId ?? throw new MediaExtractionException("Telegram returned no video file_id for the upload.");
        await store.SaveCachedMediaAsync(new CachedMedia(slideshow.Source, slideshow.PostId, FileMode.Video, DownloadKind.Slideshow,
            [new CachedFile(fileId, "video")], made.Video.Width, made.Video.Height, seconds, null, slideshow.Music?.Title,
            slideshow.Music?.Author), cancellationToken);
        return (SlideshowVideoMedia(fileId, made.Video.Width, made.Video.Height, seconds, caption), DownloadKind.Slideshow, false, true);
    }

    private static InputMediaVideo SlideshowVideoMedia(string fileId, int? width, int? height, int? seconds, string caption) =>
        new(InputFile.FromFileId(fileId))
        {
            Caption = caption,
            ParseMode = ParseMode.Html,
            Width = width ?? 0,
            Height = height ?? 0,
            Duration = seconds ?? 0,
            SupportsStreaming = true,
        };

    private async Task<(InputMedia, DownloadKind, bool, bool)> FirstImageMediaAsync(InlineJob job, Slideshow slideshow, CancellationToken cancellationToken)
    {
        var caption = ResultCaption(job, slideshow);
        if (await store.GetCachedMediaAsync(slideshow.Source, slideshow.PostId, FileMode.Media, cancellationToken) is
            { Kind: DownloadKind.Slideshow, FileIds: [{ SentAs: "photo" } cached, ..] })
            return (new InputMediaPhoto(InputFile.FromFileId(cached.FileId)) { Caption = caption, ParseMode = ParseMode.Html },
                DownloadKind.Slideshow, true, false);

        var first = slideshow.Images.FirstOrDefault() ?? throw new MediaExtractionException($"Post {slideshow.PostId} has no image.");
        await using var file = await downloader.DownloadAsync(first, slideshow.Download, cancellationToken, limits.Value.MaxUploadBytes);
        var format = await MediaPreparation.SniffAsync(file, cancellationToken);
        await using var image = await preparation.PrepareAsync(file, format, $"{slideshow.PostId}_1", _ => Task.CompletedTask, cancellationToken);
        var storageCaption = Captions.Storage(job.User, slideshow.Link);
        var uploaded = await api.SendAsync(job.StorageChannel, image.AsDocument ? "sendDocument" : "sendPhoto", async (client, _, token) =>
        {
            await using var streams = new OpenStreams();
            return image.AsDocument
                ? await client.SendDocument(job.StorageChannel, image.Payload.Open(streams), storageCaption, ParseMode.Html,
                    disableNotification: true, cancellationToken: token)
                : await client.SendPhoto(job.StorageChannel, image.Payload.Open(streams), storageCaption, ParseMode.Html,
                    disableNotification: true, cancellationToken: token);
        }, cancellationToken);
        InputMedia media = uploaded switch
        {
            { Photo: [.., var largest] } => new InputMediaPhoto(InputFile.FromFileId(largest.FileId)) { Caption = caption, ParseMode = ParseMode.Html },
            { Document: { } document } => new InputMediaDocument(InputFile.FromFileId(document.FileId)) { Caption = caption, ParseMode = ParseMode.Html },
            _ => throw new MediaExtractionException("Telegram returned no file_id for the upload."),
        };
        return (media, DownloadKind.Slideshow, false, image.Converted);
    }

    private static InputMediaVideo VideoMedia(string fileId, Video video, string caption) =>
        new(InputFile.FromFileId(fileId))
        {
            Caption = caption,
            ParseMode = ParseMode.Html,
            Width = video.Width,
            Height = video.Height,
            Duration = (int)video.Duration.TotalSeconds,
            SupportsStreaming = true,
        };

    private InlineQueryResultArticle Placeholder(string language, Uri link) =>
        new("post", texts.Text(language, "inline_title"),
            new InputTextMessageContent(Captions.Result(BotTag(language), texts.Text(language, "preview"), link)) { ParseMode = ParseMode.Html })
        {
            Description = texts.Text(language, "inline_description"),
            // Without a reply markup Telegram reports no inline_message_id, and the placeholder could not be edited.
            ReplyMarkup = new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("⏳", WaitButtonData)),
        };

    private InlineQueryResultArticle OffResult(string language) =>
        new("off", texts.Text(language, "inline_off_title"),
            new InputTextMessageContent(texts.Text(language, "inline_off_text", ("bot", me.Username))) { ParseMode = ParseMode.Html })
        {
            Description = texts.Text(language, "inline_off_text", ("bot", me.Username)),
        };

    private string BotTag(string language) => texts.Text(language, "bot_tag", ("bot", me.Username));

    private string ResultCaption(InlineJob job, MediaPost post) => Captions.Result(BotTag(job.Language), preview: null, post.Link);

    private Task EditToTextAsync(string inlineMessageId, string html, CancellationToken cancellationToken) =>
        api.TryCallAsync("editMessageText", (client, token) =>
            client.EditMessageText(inlineMessageId, html, ParseMode.Html, cancellationToken: token), cancellationToken);

    private async Task<string> LanguageOfAsync(User user, CancellationToken cancellationToken)
    {
        // A user's private chat has their id: the language they chose there applies to their inline results too.
        var settings = await store.GetChatSettingsAsync(user.Id, cancellationToken);
        return texts.LanguageFor(settings.Language, user.LanguageCode);
    }
}
