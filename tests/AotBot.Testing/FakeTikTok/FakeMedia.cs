namespace AotBot.Testing.FakeTikTok;

/// <summary>Placeholder media bodies with the right magic bytes, for tests that do not decode them.</summary>
public static class FakeMedia
{
    /// <summary>Starts like an MP4 (<c>ftypisom</c>), 4 KB.</summary>
    public static byte[] Mp4(int length = 4096) => Filled([0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'], length);

    /// <summary>The marker inside <see cref="SilentMp4"/>: tests detect a video-only (dash) file by it.</summary>
    public const string SilentMarker = "SILENT-DASH-VIDEO-ONLY";

    /// <summary>A video-only rendition as the CDN serves dash gears: an MP4 start with <see cref="SilentMarker"/> inside.</summary>
    public static byte[] SilentMp4(int length = 5000)
    {
        var bytes = Mp4(length);
        System.Text.Encoding.ASCII.GetBytes(SilentMarker).CopyTo(bytes, 64);
        return bytes;
    }

    /// <summary>Starts like a JPEG (<c>FF D8 FF E0</c>), 1 KB.</summary>
    public static byte[] Jpeg(int length = 1024) => Filled([0xFF, 0xD8, 0xFF, 0xE0], length);

    /// <summary>Starts like an MP3 with an ID3 tag, 2 KB.</summary>
    public static byte[] Mp3(int length = 2048) => Filled([(byte)'I', (byte)'D', (byte)'3', 4, 0], length);

    private static byte[] Filled(byte[] magic, int length)
    {
        var bytes = new byte[Math.Max(length, magic.Length)];
        magic.CopyTo(bytes, 0);
        for (var i = magic.Length; i < bytes.Length; i++) bytes[i] = (byte)(i * 31);
        return bytes;
    }
}
