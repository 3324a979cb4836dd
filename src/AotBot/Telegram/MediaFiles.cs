using System.Runtime.InteropServices;
using AotBot.Core;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>
/// One file to send: a cached <c>file_id</c>, or a downloaded or converted body. Bodies are opened afresh for each
/// attempt (a 429 resends the whole request), into an <see cref="OpenStreams"/> the attempt disposes.
/// </summary>
internal readonly record struct Payload(string? FileId, DownloadedFile? File, string FileName)
{
    public static Payload Cached(string fileId) => new(fileId, null, "");

    public static Payload Of(DownloadedFile file, string fileName) => new(null, file, fileName);

    public InputFile Open(OpenStreams streams) =>
        FileId is { } id
            ? InputFile.FromFileId(id)
            : InputFile.FromStream(streams.Add(File!.OpenRead()), FileName);
}

/// <summary>The streams one send attempt opened.</summary>
internal sealed class OpenStreams : IAsyncDisposable
{
    private readonly List<Stream> _streams = [];

    public Stream Add(Stream stream)
    {
        _streams.Add(stream);
        return stream;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _streams) await stream.DisposeAsync();
    }
}

/// <summary>
/// An image ready to send: as a photo, or as a document when it is not one Telegram shows. A converted image owns its
/// JPEG (<paramref name="Output"/>), freed on dispose; otherwise the payload is the caller's download.
/// </summary>
internal sealed record PreparedImage(Payload Payload, bool AsDocument, bool Converted, DownloadedFile? Output = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Output?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>The download-side steps both senders share: covers, sniffing and converting images.</summary>
internal sealed class MediaPreparation(IMediaDownloader downloader, IImageConverter converter, MediaMemory memory,
    MemoryBudget budget, IOptions<ImagingOptions> imaging, ILogger<MediaPreparation> logger)
{
    // An original that waits in a temp file is read back into memory only when a worker is about to be free for it:
    // ten slideshows queueing all their images would otherwise read them all back at once.
    private readonly SemaphoreSlim _readBack = new(imaging.Value.EffectiveWorkers);
    private readonly MemoryGate _converting = new(budget);

    // What one decode adds at its peak, from the last image converted: measured in smaps, ~60 MB for a 12 MP HEIC
    // (the decoder's planes, libheif's image, the JPEG encoder's rows), five bytes a pixel. A slideshow's images are
    // alike, so the next one is judged by it; until one is converted, a 12 MP phone photo (two decodes started on no
    // estimate put a budgeted burst 10% over its budget).
    private const long DecodeBytesPerPixel = 5;
    private long _decodeBytes = DecodeBytesPerPixel * 12_000_000;

    // A cover is re-encoded to a 320-pixel thumbnail, so its own size matters only as far as decoding it goes.
    internal const long MaxCoverBytes = PhotoLimits.MaxBytes;

    /// <summary>
    /// The cover as a thumbnail Telegram takes (a JPEG within 320×320, under 200,000 bytes), or null when none of its
    /// URLs gives a readable image: a thumbnail never fails a send. The URLs are tried in order, with the job's cookies.
    /// </summary>
    public async Task<DownloadedFile?> TryMakeThumbnailAsync(MediaFile? cover, DownloadContext context, CancellationToken cancellationToken)
    {
        if (cover is null) return null;
        foreach (var url in cover.Urls)
        {
            try
            {
                await using var original = await downloader.DownloadAsync(cover with { Urls = [url] }, context, cancellationToken, MaxCoverBytes);
                var bytes = await ReadAllAsync(original, cancellationToken);
                var format = ImageSniffer.Detect(bytes.Span);
                // Skia has no HEIF decoder: libheif turns the cover into a JPEG first (TikTok serves HEIC covers).
                if (format is ImageFormat.Heif or ImageFormat.Avif)
                    bytes = (await ConvertAsync(original, cancellationToken)).Jpeg;
                var thumbnail = await Task.Run(() => Thumbnails.Make(bytes.Span, imaging.Value.MaxPixels), cancellationToken);
                return new PooledDownloadedFile(thumbnail, thumbnail.Length, "image/jpeg", pooled: false);
            }
            catch (AotBotException ex)
            {
                logger.ThumbnailFailed(url.Host, ex.GetType().Name, ex.Message);
            }
        }
        return null;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        if (file.Memory is { } memory) return memory;
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)file.Length));
        await using var stream = file.OpenRead();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    public static async Task<ImageFormat> SniffAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        if (file.Memory is { } memory) return ImageSniffer.Detect(memory.Span);
        var header = new byte[ImageSniffer.HeaderLength];
        await using var stream = file.OpenRead();
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return ImageSniffer.Detect(header.AsSpan(0, read));
    }

    /// <summary>
    /// A photo Telegram shows as it is goes unchanged; another format is converted to JPEG; an image that fails to
    /// convert goes as a document (the original bytes), after <paramref name="onFailure"/> has run.
    /// A converted image's original is disposed at once: only a failed conversion needs it.
    /// </summary>
    public async Task<PreparedImage> PrepareAsync(DownloadedFile file, ImageFormat format, string baseName,
        Func<Exception, Task> onFailure, CancellationToken cancellationToken)
    {
        if (ImageSniffer.IsTelegramPhotoFormat(format))
            return await FitPhotoAsync(file, format, baseName, onFailure, cancellationToken);
        try
        {
            var converted = await ConvertAsync(file, cancellationToken);
            // A slideshow's originals would otherwise stay until its album is sent: 12 MP HEICs, a dozen per job.
            await file.DisposeAsync();
            var output = Keep(converted.Jpeg);
            return new PreparedImage(Payload.Of(output, baseName + ".jpg"), converted.SendAsDocument, Converted: true, output);
        }
        catch (ImageConversionException ex)
        {
            await onFailure(ex);
            return new PreparedImage(Payload.Of(file, baseName + Extension(format)), AsDocument: true, Converted: false);
        }
    }

    /// <summary>
    /// A JPEG, PNG or WebP within Telegram's photo limits goes as it is (also one whose header Skia cannot read: Telegram
    /// decides); one too elongated goes as a document; one too large in bytes or sides is redrawn smaller as a JPEG, so
    /// one odd image never fails a whole album.
    /// </summary>
    private async Task<PreparedImage> FitPhotoAsync(DownloadedFile file, ImageFormat format, string baseName,
        Func<Exception, Task> onFailure, CancellationToken cancellationToken)
    {
        var original = new PreparedImage(Payload.Of(file, baseName + Extension(format)), AsDocument: false, Converted: false);
        (int Width, int Height)? size;
        await using (var stream = file.OpenRead())
            size = PhotoFitter.ReadSize(stream);
        if (size is not var (width, height)) return original;
        switch (PhotoFitter.Judge(width, height, file.Length))
        {
            case PhotoFitter.Verdict.AsIs:
                return original;
            case PhotoFitter.Verdict.Document:
                logger.PhotoOutOfLimits(baseName, width, height, file.Length, "sent as a document");
                return original with { AsDocument = true };
        }
        logger.PhotoOutOfLimits(baseName, width, height, file.Length, "downscaled");
        try
        {
            await _converting.EnterAsync(cancellationToken, running => (running + 1) * Volatile.Read(ref _decodeBytes));
            ConvertedImage fitted;
            try
            {
                var bytes = await ReadAllAsync(file, cancellationToken);
                fitted = await Task.Run(() => PhotoFitter.Downscale(bytes.Span, imaging.Value.MaxPixels, imaging.Value.JpegQuality), cancellationToken);
            }
            finally
            {
                _converting.Exit();
            }
            await file.DisposeAsync();
            var output = Keep(fitted.Jpeg);
            return new PreparedImage(Payload.Of(output, baseName + ".jpg"), fitted.SendAsDocument, Converted: true, output);
        }
        catch (ImageConversionException ex)
        {
            await onFailure(ex);
            return original with { AsDocument = true };
        }
    }

    /// <summary>
    /// <c>.m4a</c> for an MPEG-4 container (an <c>ftyp</c> box), else <c>.mp3</c>: TikTok's music URLs serve both, and
    /// Telegram's clients pick the player by the name.
    /// </summary>
    public static async Task<string> AudioExtensionAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        var header = new byte[12];
        int read;
        if (file.Memory is { } memory)
        {
            read = Math.Min(header.Length, memory.Length);
            memory.Span[..read].CopyTo(header);
        }
        else
        {
            await using var stream = file.OpenRead();
            read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        }
        return read >= 8 && header.AsSpan(4, 4).SequenceEqual("ftyp"u8) ? ".m4a" : ".mp3";
    }

    public static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.Webp => ".webp",
        ImageFormat.Gif => ".gif",
        ImageFormat.Heif => ".heic",
        ImageFormat.Avif => ".avif",
        _ => ".bin",
    };

    /// <summary>
    /// Converts once <c>Limits:MemoryBudgetMB</c> has room: a decode is the largest thing a job allocates (~60 MB for a
    /// 12 MP photo), so past the budget it waits for the running ones to end rather than add to them.
    /// </summary>
    private async Task<ConvertedImage> ConvertAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        // The running decodes may not have reached their peak yet: counted in full, with this one.
        await _converting.EnterAsync(cancellationToken, running => (running + 1) * Volatile.Read(ref _decodeBytes));
        try
        {
            var converted = await ReadAndConvertAsync(file, cancellationToken);
            Volatile.Write(ref _decodeBytes, DecodeBytesPerPixel * converted.Width * converted.Height);
            return converted;
        }
        finally
        {
            _converting.Exit();
        }
    }

    private async Task<ConvertedImage> ReadAndConvertAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        if (file.Memory is { } inMemory) return await converter.ConvertAsync(inMemory, cancellationToken);
        await _readBack.WaitAsync(cancellationToken);
        try
        {
            var bytes = GC.AllocateUninitializedArray<byte>(checked((int)file.Length));
            await using (var stream = file.OpenRead())
                await stream.ReadExactlyAsync(bytes, cancellationToken);
            return await converter.ConvertAsync(bytes, cancellationToken);
        }
        finally
        {
            _readBack.Release();
        }
    }

    /// <summary>The JPEG in memory while the media memory has room for it, else in a temp file until it is sent.</summary>
    private DownloadedFile Keep(ReadOnlyMemory<byte> jpeg)
    {
        if (!memory.TryTake(jpeg.Length)) return TempDownloadedFile.Write(jpeg.Span, "image/jpeg");
        var array = MemoryMarshal.TryGetArray(jpeg, out var segment) && segment.Offset == 0 ? segment.Array! : jpeg.ToArray();
        return new PooledDownloadedFile(array, jpeg.Length, "image/jpeg", pooled: false, memory, jpeg.Length);
    }
}
