namespace AotBot.Tests.Imaging.Video;

/// <summary>
/// MP3 files made of valid MPEG audio frame headers with numbered payloads (no real sound): enough for the reader and
/// the muxer, whose job is to find and copy frames, and for ffprobe, which reads the headers.
/// </summary>
internal static class FakeMusic
{
    /// <summary>MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo: 417-byte frames of 1152 samples.</summary>
    public static readonly byte[] Mpeg1Header = [0xFF, 0xFB, 0x90, 0x00];

    /// <summary>MPEG-2 Layer III, 64 kbit/s, 22.05 kHz, mono: 208-byte frames of 576 samples.</summary>
    public static readonly byte[] Mpeg2Header = [0xFF, 0xF3, 0x80, 0xC0];

    public static List<byte[]> Frames(int count, byte[] header, int frameSize)
    {
        var frames = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var frame = new byte[frameSize];
            header.CopyTo(frame, 0);
            for (var j = 4; j < frameSize; j++)
                frame[j] = (byte)(i * 7 + j);
            // Side information all zero for the first bytes, so no "Xing"/"Info" text turns up by chance.
            Array.Clear(frame, 4, 36);
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>An MP3 file: an ID3v2 tag, optionally a Xing header frame, the frames, an ID3v1 tag.</summary>
    public static byte[] Mp3(IEnumerable<byte[]> frames, bool xing = false)
    {
        using var file = new MemoryStream();
        byte[] id3 = [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 20];
        file.Write(id3);
        file.Write(new byte[20]);
        var list = frames.ToList();
        if (xing && list.Count > 0)
        {
            var info = new byte[list[0].Length];
            list[0].AsSpan(0, 4).CopyTo(info);
            "Xing"u8.CopyTo(info.AsSpan(4 + 32));
            file.Write(info);
        }
        foreach (var frame in list)
            file.Write(frame);
        file.Write("TAG"u8);
        file.Write(new byte[125]);
        return file.ToArray();
    }

    public static byte[] Mp3(int frames) => Mp3(Frames(frames, Mpeg1Header, 417));
}
