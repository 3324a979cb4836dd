using System.Net;
using System.Text.RegularExpressions;

namespace AotBot.Testing.FakeBotApi;

/// <summary>How the fake Bot API is unreachable while an outage lasts (<see cref="FakeBotApi.BeginOutage"/>).</summary>
public enum BotApiOutage
{
    /// <summary>Every call gets Telegram's front's 502 page at once.</summary>
    BadGateway,

    /// <summary>Every call hangs: the client's own timeout ends it, or a 504 page when the outage ends.</summary>
    GatewayTimeout,
}

/// <summary>
/// The Bot API's length limits, refused with Telegram's own 400 answers: a text over 4096 characters, a caption over
/// 1024, a callback answer over 200, callback data over 64 bytes. Lengths count what the user sees (HTML tags and
/// entities parsed away), as Telegram does. Thumbnails are held to the Bot API's rule ("JPEG format and less than
/// 200 kB in size; width and height should not exceed 320"): Telegram drops one that breaks it without a word, which
/// a test would never notice, so the fake refuses the call instead. Uploaded photos (sendPhoto, the photos of a
/// sendMediaGroup) are held to the photo rules ("at most 10 MB in size; width and height must not exceed 10000 in
/// total; width and height ratio must be at most 20"), read from the image's header: PHOTO_INVALID_DIMENSIONS, or
/// PHOTO_SAVE_FILE_INVALID for the size, as Telegram answers. Bytes that are no image the fake can read pass.
/// </summary>
public static partial class BotApiLimits
{
    public const int MaxTextLength = 4096;
    public const int MaxCaptionLength = 1024;
    public const int MaxCallbackAnswerLength = 200;
    public const int MaxCallbackDataBytes = 64;
    public const int MaxThumbnailSide = 320;
    public const int MaxThumbnailBytes = 200_000;
    public const int MaxPhotoBytes = 10_000_000; // "10 MB" read the strict way, as the bot reads it
    public const int MaxPhotoSideSum = 10_000;
    public const int MaxPhotoRatio = 20;

    /// <summary>The 400 a call with these fields gets, or null when it is within every limit.</summary>
    public static BotApiFault? Check(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, UploadedFile>? files = null)
    {
        if (PhotoProblem(fields, files) is { } photo)
            return BotApiFault.Error(400, "Bad Request: " + photo);
        if (ThumbnailProblem(fields, files) is { } problem)
            return BotApiFault.Error(400, "Bad Request: wrong thumbnail: " + problem);
        if (fields.ContainsKey("callback_query_id"))
            return fields.TryGetValue("text", out var answer) && answer.Length > MaxCallbackAnswerLength
                ? BotApiFault.Error(400, "Bad Request: MESSAGE_TOO_LONG")
                : null;
        var html = fields.GetValueOrDefault("parse_mode") is { } mode && mode.Equals("html", StringComparison.OrdinalIgnoreCase);
        if (fields.TryGetValue("text", out var text) && Visible(text, html) > MaxTextLength)
            return BotApiFault.Error(400, "Bad Request: message is too long");
        if (fields.TryGetValue("caption", out var caption) && Visible(caption, html) > MaxCaptionLength)
            return BotApiFault.Error(400, "Bad Request: message caption is too long");
        if (fields.TryGetValue("reply_markup", out var markup) && CallbackData().Matches(markup)
                .Any(m => System.Text.Encoding.UTF8.GetByteCount(Regex.Unescape(m.Groups[1].Value)) > MaxCallbackDataBytes))
            return BotApiFault.Error(400, "Bad Request: BUTTON_DATA_INVALID");
        return null;
    }

    /// <summary>What is wrong with the call's uploaded thumbnail, or null when it has none or a good one.</summary>
    public static string? ThumbnailProblem(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, UploadedFile>? files)
    {
        if (files is null || !fields.TryGetValue("thumbnail", out var reference)) return null;
        var named = reference.StartsWith("attach://", StringComparison.Ordinal) ? Attached(files, reference) : files.GetValueOrDefault("thumbnail");
        if (named is not { } thumbnail) return null;
        var bytes = thumbnail.Bytes;
        if (bytes.Length >= MaxThumbnailBytes) return $"{bytes.Length} bytes";
        if (JpegSize(bytes) is not var (width, height)) return "not a baseline JPEG";
        return width > MaxThumbnailSide || height > MaxThumbnailSide ? $"{width}x{height}" : null;
    }

    /// <summary>Telegram's error for the first uploaded photo that breaks the photo rules, or null.</summary>
    public static string? PhotoProblem(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, UploadedFile>? files)
    {
        if (files is null || files.Count == 0) return null;
        foreach (var photo in UploadedPhotos(fields, files))
        {
            if (photo.Bytes.Length > MaxPhotoBytes) return "PHOTO_SAVE_FILE_INVALID";
            using var codec = SkiaSharp.SKCodec.Create(new SkiaSharp.SKMemoryStream(photo.Bytes));
            if (codec is null) continue;
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width + height > MaxPhotoSideSum || Math.Max(width, height) > MaxPhotoRatio * (long)Math.Min(width, height))
                return "PHOTO_INVALID_DIMENSIONS";
        }
        return null;
    }

    /// <summary>The photo of a sendPhoto, or the photos of a sendMediaGroup, that were uploaded with the call.</summary>
    private static List<UploadedFile> UploadedPhotos(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, UploadedFile> files)
    {
        List<UploadedFile> photos = [];
        if ((Attached(files, fields.GetValueOrDefault("photo")) ?? files.GetValueOrDefault("photo")) is { } photo) photos.Add(photo);
        if (!fields.TryGetValue("media", out var media) || !media.TrimStart().StartsWith('[')) return photos;
        try
        {
            using var album = System.Text.Json.JsonDocument.Parse(media);
            foreach (var item in album.RootElement.EnumerateArray())
            {
                if (item.ValueKind == System.Text.Json.JsonValueKind.Object && item.TryGetProperty("type", out var type) && type.GetString() == "photo"
                    && item.TryGetProperty("media", out var reference) && Attached(files, reference.GetString()) is { } file)
                    photos.Add(file);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not the fake's to judge: Telegram's own parse error comes from elsewhere.
        }
        return photos;
    }

    /// <summary>The uploaded part an <c>attach://name</c> field names; null for a file_id, a URL or nothing.</summary>
    private static UploadedFile? Attached(IReadOnlyDictionary<string, UploadedFile> files, string? reference) =>
        reference is not null && reference.StartsWith("attach://", StringComparison.Ordinal) ? files.GetValueOrDefault(reference["attach://".Length..]) : null;

    /// <summary>The size in a JPEG's baseline (SOF0) or extended (SOF1) frame header; null for anything else.</summary>
    public static (int Width, int Height)? JpegSize(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return null;
        var position = 2;
        while (position + 4 <= jpeg.Length)
        {
            if (jpeg[position] != 0xFF) return null;
            var marker = jpeg[position + 1];
            if (marker == 0xFF) { position++; continue; }
            var length = (jpeg[position + 2] << 8) | jpeg[position + 3];
            if (marker is 0xC0 or 0xC1)
                return position + 9 <= jpeg.Length
                    ? ((jpeg[position + 7] << 8) | jpeg[position + 8], (jpeg[position + 5] << 8) | jpeg[position + 6])
                    : null;
            // Progressive, lossless, arithmetic frames; or the image data began without a frame header.
            if (marker is >= 0xC2 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC || marker == 0xDA) return null;
            position += 2 + length;
        }
        return null;
    }

    private static int Visible(string text, bool html) => html ? WebUtility.HtmlDecode(Tag().Replace(text, "")).Length : text.Length;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex("\"callback_data\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex CallbackData();
}
