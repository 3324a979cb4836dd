using System.Runtime.InteropServices;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Sources;
using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>
/// One file to send: a cached <c>file_id</c>, a downloaded body or converted bytes. Bodies are opened afresh for each
/// attempt (a 429 resends the whole request), into an <see cref="OpenStreams"/> the attempt disposes.
/// </summary>
internal readonly record struct Payload(string? FileId, DownloadedFile? File, ReadOnlyMemory<byte> Bytes, string FileName)
{
    public static Payload Cached(string fileId) => new(fileId, null, default, "");

    public static Payload Of(DownloadedFile file, string fileName) => new(null, file, default, fileName);

    public static Payload Of(ReadOnlyMemory<byte> bytes, string fileName) => new(null, null, bytes, fileName);

    public InputFile Open(OpenStreams streams)
    {
        if (FileId is { } id) return InputFile.FromFileId(id);
        var stream = File is { } file ? file.OpenRead() : AsStream(Bytes);
        return InputFile.FromStream(streams.Add(stream), FileName);
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
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

/// <summary>An image ready to send: as a photo, or as a document when it is not one Telegram shows.</summary>
internal sealed record PreparedImage(Payload Payload, bool AsDocument, bool Converted);

/// <summary>The download-side steps both senders share: covers, sniffing and converting images.</summary>
internal sealed class MediaPreparation(IMediaDownloader downloader, IImageConverter converter)
{
    // Telegram ignores a thumbnail over 200 kB; a bigger cover is not worth the bytes.
    internal const long MaxCoverBytes = 200 * 1024;

    /// <summary>The cover as a thumbnail, or null when it cannot be had: a thumbnail never fails a send.</summary>
    public async Task<DownloadedFile?> TryDownloadCoverAsync(MediaFile? cover, DownloadContext context, CancellationToken cancellationToken)
    {
        if (cover is null) return null;
        try
        {
            // One attempt, as the seed: the first URL only.
            return await downloader.DownloadAsync(cover with { Urls = cover.Urls.Take(1).ToArray() }, context, cancellationToken, MaxCoverBytes);
        }
        catch (AotBotException)
        {
            return null;
        }
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
            return new PreparedImage(Payload.Of(file, baseName + Extension(format)), AsDocument: false, Converted: false);
        try
        {
            var converted = await converter.ConvertAsync(await ReadAllAsync(file, cancellationToken), cancellationToken);
            // A slideshow's originals would otherwise stay until its album is sent: 12 MP HEICs, a dozen per job.
            await file.DisposeAsync();
            return new PreparedImage(Payload.Of(converted.Jpeg, baseName + ".jpg"), converted.SendAsDocument, Converted: true);
        }
        catch (ImageConversionException ex)
        {
            await onFailure(ex);
            return new PreparedImage(Payload.Of(file, baseName + Extension(format)), AsDocument: true, Converted: false);
        }
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

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(DownloadedFile file, CancellationToken cancellationToken)
    {
        if (file.Memory is { } memory) return memory;
        await using var stream = file.OpenRead();
        var bytes = new byte[file.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
