namespace AotBot.Imaging.Video;

/// <summary>One audio frame of the source file: where its bytes are, and how long it plays (in the track's timescale).</summary>
internal readonly record struct AudioSample(long Offset, int Size, int Duration);

/// <summary>
/// A post's music as a track to copy into the MP4 without re-encoding: the frames found in the source file (an MP3's
/// MPEG audio frames, or an M4A's AAC samples), and what the MP4's esds must say about them.
/// </summary>
internal sealed record AudioTrack(
    byte ObjectType,
    int SampleRate,
    int Channels,
    int Timescale,
    byte[] DecoderSpecificInfo,
    ReadOnlyMemory<byte> Source,
    IReadOnlyList<AudioSample> Samples)
{
    /// <summary>MPEG-4 AAC (ISO/IEC 14496-3).</summary>
    public const byte Aac = 0x40;

    /// <summary>MPEG-2 audio (ISO/IEC 13818-3; MP3 at 16, 22.05 and 24 kHz, and MPEG-2.5's lower rates).</summary>
    public const byte Mpeg2Audio = 0x69;

    /// <summary>MPEG-1 audio (ISO/IEC 11172-3; MP3 at 32, 44.1 and 48 kHz).</summary>
    public const byte Mpeg1Audio = 0x6B;

    public long Duration => Samples.Sum(s => (long)s.Duration);

    public double Seconds => (double)Duration / Timescale;

    public int MaxSampleSize => Samples.Count == 0 ? 0 : Samples.Max(s => s.Size);

    /// <summary>Average bits per second, as esds states it.</summary>
    public int Bitrate => Duration == 0 ? 0 : (int)Math.Min(int.MaxValue, Samples.Sum(s => (long)s.Size) * 8 * Timescale / Duration);

    public ReadOnlySpan<byte> SampleBytes(int index) =>
        Source.Span.Slice(checked((int)Samples[index].Offset), Samples[index].Size);

    /// <summary>
    /// The frames that end by <paramref name="seconds"/> (within a millisecond): the music cut at the video's end, so
    /// the video sets the file's length.
    /// </summary>
    public AudioTrack CutAt(double seconds)
    {
        var limit = (long)Math.Round((seconds + 0.001) * Timescale);
        var kept = new List<AudioSample>();
        long time = 0;
        foreach (var sample in Samples)
        {
            time += sample.Duration;
            if (time > limit)
                break;
            kept.Add(sample);
        }
        return this with { Samples = kept };
    }

    /// <summary>
    /// The music's frames, from an MP3 or an MP4/M4A file (told apart by their first bytes); null when the file is
    /// neither or holds no usable frames (the video then has no sound rather than failing).
    /// </summary>
    public static AudioTrack? TryRead(ReadOnlyMemory<byte> file) =>
        Mp4AudioReader.LooksLikeMp4(file.Span) ? Mp4AudioReader.TryRead(file) : Mp3Reader.TryRead(file);
}
