namespace AotBot.Imaging;

/// <summary>What the Bot API accepts as a photo: width + height ≤ 10000, aspect ratio ≤ 20, file ≤ 10 MB.</summary>
internal static class PhotoLimits
{
    public const int MaxSideSum = 10_000;
    public const int MaxAspectRatio = 20;
    public const int MaxBytes = 10 * 1000 * 1000;

    /// <summary>Too elongated for a photo at any size: it goes as a document.</summary>
    public static bool IsTooElongated(int width, int height) =>
        (long)Math.Max(width, height) > (long)MaxAspectRatio * Math.Min(width, height);

    /// <summary>The largest size with the same aspect ratio whose width + height fits.</summary>
    public static (int Width, int Height) FitSides(int width, int height)
    {
        if (width + (long)height <= MaxSideSum)
            return (width, height);
        var scale = (double)MaxSideSum / (width + (long)height);
        return (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)));
    }

    /// <summary>The next smaller size to try after a JPEG of <paramref name="bytes"/> came out over <see cref="MaxBytes"/>.</summary>
    public static (int Width, int Height) ShrinkForBytes(int width, int height, int bytes)
    {
        // JPEG size grows about linearly with the pixel count; aim 10 % under the limit.
        var scale = Math.Sqrt((double)MaxBytes / bytes) * 0.9;
        return (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)));
    }
}
