using AotBot.Core;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Imaging.Video;
using AotBot.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>A slideshow made into one MP4, ready to upload; disposing frees it.</summary>
internal sealed record MadeVideo(DownloadedFile File, SlideshowVideo Video) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => File.DisposeAsync();
}

/// <summary>
/// The download side of slideshow videos, shared by chats in video mode and inline results: the images and the music
/// fetched, the video composed (<see cref="SlideshowComposer"/>). Null means "send the album instead", always with a
/// log line: an album with a video among its items, no image readable (the album path sends them as documents), an
/// encoder failure, or a video over <c>Limits:MaxUploadBytes</c>. The user never gets nothing.
/// </summary>
internal sealed class SlideshowVideos(
    IMediaDownloader downloader,
    SlideshowComposer composer,
    IOptions<LimitsOptions> limits,
    ILogger<SlideshowVideos> logger)
{
    public async Task<MadeVideo?> TryMakeAsync(Slideshow slideshow, IReadOnlyList<MediaFile> images, CancellationToken cancellationToken)
    {
        if (images.Any(i => i.IsVideo))
        {
            logger.SlideshowVideoFallback(slideshow.Source, slideshow.PostId, "the album has videos among its items");
            return null;
        }
        var outcomes = await downloader.DownloadAllAsync(images, slideshow.Download, cancellationToken);
        try
        {
            var bodies = new List<ReadOnlyMemory<byte>>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].File is { } file)
                    bodies.Add(await ReadAllAsync(file, cancellationToken));
                else
                    logger.ImageSkipped(i, slideshow.Source, slideshow.PostId, outcomes[i].Error?.Message ?? "no file");
            }
            if (bodies.Count == 0)
            {
                logger.SlideshowVideoFallback(slideshow.Source, slideshow.PostId, "no image could be downloaded");
                return null;
            }
            var music = await TryDownloadMusicAsync(slideshow, cancellationToken);
            SlideshowVideo video;
            try
            {
                video = await composer.ComposeAsync(bodies, music, cancellationToken);
            }
            catch (Exception ex) when (ex is SlideshowUnreadableException or VideoEncodingException or ImageConversionException
                                           or DllNotFoundException or EntryPointNotFoundException)
            {
                logger.SlideshowVideoFallback(slideshow.Source, slideshow.PostId, $"{ex.GetType().Name}: {ex.Message}");
                return null;
            }
            if (video.Mp4.Length > limits.Value.MaxUploadBytes)
            {
                logger.SlideshowVideoFallback(slideshow.Source, slideshow.PostId,
                    $"the video is {video.Mp4.Length} bytes, over Limits:MaxUploadBytes ({limits.Value.MaxUploadBytes})");
                return null;
            }
            return new MadeVideo(new PooledDownloadedFile(video.Mp4, video.Mp4.Length, "video/mp4", pooled: false), video);
        }
        finally
        {
            foreach (var outcome in outcomes)
            {
                if (outcome.File is { } file) await file.DisposeAsync();
            }
        }
    }

    /// <summary>The music file, or null: a video without its sound is better than no video.</summary>
    private async Task<ReadOnlyMemory<byte>?> TryDownloadMusicAsync(Slideshow slideshow, CancellationToken cancellationToken)
    {
        if (slideshow.Music?.File is not { } file)
            return null;
        try
        {
            await using var body = await downloader.DownloadAsync(file, slideshow.Download, cancellationToken, limits.Value.MaxUploadBytes);
            return (await ReadAllAsync(body, cancellationToken)).ToArray();
        }
        catch (AotBotException ex)
        {
            logger.SlideshowMusicMissing(slideshow.Source, slideshow.PostId, ex.Message);
            return null;
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        // Copied: the download's buffer may be pooled and goes back when the file is disposed.
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)file.Length));
        if (file.Memory is { } memory)
        {
            memory.CopyTo(bytes);
            return bytes;
        }
        await using var stream = file.OpenRead();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
