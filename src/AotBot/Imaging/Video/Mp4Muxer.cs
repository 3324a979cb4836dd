using System.Buffers.Binary;
using System.Text;

namespace AotBot.Imaging.Video;

/// <summary>One H.264 access unit in MP4 form (NAL units behind 4-byte lengths), lasting Duration in 1/90000 s.</summary>
internal readonly record struct VideoSample(byte[] Data, int Duration, bool IsSync);

/// <summary>The H.264 track: its parameter sets (for avcC) and samples.</summary>
internal sealed record VideoTrack(int Width, int Height, byte[] Sps, byte[] Pps, IReadOnlyList<VideoSample> Samples)
{
    public const int Timescale = 90_000;

    public long Duration => Samples.Sum(s => (long)s.Duration);
}

/// <summary>
/// Writes a streamable MP4 (ISO/IEC 14496-12/14/15): ftyp, then moov (so a player can start before the end arrives),
/// then mdat, with one H.264 track and at most one audio track whose frames are copied as they are. Media data is
/// interleaved in one-second chunks (a video chunk, then the audio of the same second). Small on purpose: no edit
/// lists, no fragments, 32-bit chunk offsets (a Telegram upload is far below 4 GB).
/// </summary>
internal static class Mp4Muxer
{
    private const int MovieTimescale = 1000;

    public static void Write(Stream output, VideoTrack video, AudioTrack? audio)
    {
        if (video.Samples.Count == 0)
            throw new ArgumentException("a video needs at least one frame", nameof(video));
        var chunks = Interleave(video, audio);
        var ftyp = Ftyp();
        // The moov's size does not depend on the offsets it holds (stco entries are fixed-width): written once to
        // learn where mdat's payload starts, then again with the real offsets.
        var moovSize = Moov(video, audio, chunks, 0).Length;
        long payloadStart = ftyp.Length + moovSize + 8;
        long mediaSize = chunks.Sum(c => c.Size);
        if (payloadStart + mediaSize > uint.MaxValue)
            throw new VideoEncodingException("the video would be larger than 4 GB");
        var moov = Moov(video, audio, chunks, payloadStart);

        output.Write(ftyp);
        output.Write(moov);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)(8 + mediaSize)));
        "mdat"u8.CopyTo(header[4..]);
        output.Write(header);
        foreach (var chunk in chunks)
        {
            for (var i = chunk.First; i < chunk.First + chunk.Count; i++)
            {
                if (chunk.IsVideo)
                    output.Write(video.Samples[i].Data);
                else
                    output.Write(audio!.SampleBytes(i));
            }
        }
    }

    private sealed record Chunk(bool IsVideo, int First, int Count, long Size)
    {
        public long Offset { get; set; }
    }

    private static List<Chunk> Interleave(VideoTrack video, AudioTrack? audio)
    {
        var chunks = new List<Chunk>();
        int v = 0, a = 0;
        long videoTime = 0, audioTime = 0;
        for (var second = 1L; v < video.Samples.Count || (audio is not null && a < audio.Samples.Count); second++)
        {
            var (first, size) = (v, 0L);
            while (v < video.Samples.Count && videoTime < second * VideoTrack.Timescale)
            {
                size += video.Samples[v].Data.Length;
                videoTime += video.Samples[v++].Duration;
            }
            if (v > first)
                chunks.Add(new Chunk(true, first, v - first, size));
            if (audio is null)
                continue;
            (first, size) = (a, 0L);
            while (a < audio.Samples.Count && audioTime < second * audio.Timescale)
            {
                size += audio.Samples[a].Size;
                audioTime += audio.Samples[a++].Duration;
            }
            if (a > first)
                chunks.Add(new Chunk(false, first, a - first, size));
        }
        return chunks;
    }

    private static byte[] Ftyp()
    {
        var w = new BoxWriter();
        w.Begin("ftyp");
        w.Fourcc("isom");
        w.U32(0x200);
        foreach (var brand in new[] { "isom", "iso2", "avc1", "mp41" })
            w.Fourcc(brand);
        w.End();
        return w.ToArray();
    }

    private static byte[] Moov(VideoTrack video, AudioTrack? audio, List<Chunk> chunks, long payloadStart)
    {
        var offset = payloadStart;
        foreach (var chunk in chunks)
        {
            chunk.Offset = offset;
            offset += chunk.Size;
        }
        var videoMs = video.Duration * MovieTimescale / VideoTrack.Timescale;
        var audioMs = audio is null ? 0 : audio.Duration * MovieTimescale / audio.Timescale;

        var w = new BoxWriter();
        w.Begin("moov");
        w.BeginFull("mvhd", 0, 0);
        w.U32(0); // creation and modification times: unknown (0) rather than the clock, so output is reproducible
        w.U32(0);
        w.U32(MovieTimescale);
        w.U32(checked((uint)Math.Max(videoMs, audioMs)));
        w.U32(0x0001_0000); // rate 1.0
        w.U16(0x0100); // volume 1.0
        w.Zeros(10);
        Matrix(w);
        w.Zeros(24);
        w.U32(audio is null ? 2u : 3u); // next track ID
        w.End();

        Track(w, 1, videoMs, video.Duration, VideoTrack.Timescale, isVideo: true, video.Width, video.Height, w =>
        {
            SampleDescription(w, () => AvcSampleEntry(w, video));
            TimeToSample(w, video.Samples.Select(s => s.Duration));
            w.BeginFull("stss", 0, 0);
            var syncs = Enumerable.Range(0, video.Samples.Count).Where(i => video.Samples[i].IsSync).ToList();
            w.U32((uint)syncs.Count);
            foreach (var i in syncs)
                w.U32((uint)(i + 1));
            w.End();
            ChunkTables(w, chunks.Where(c => c.IsVideo).ToList(), video.Samples.Select(s => s.Data.Length));
        });
        if (audio is not null)
        {
            Track(w, 2, audioMs, audio.Duration, audio.Timescale, isVideo: false, 0, 0, w =>
            {
                SampleDescription(w, () => AudioSampleEntry(w, audio));
                TimeToSample(w, audio.Samples.Select(s => s.Duration));
                ChunkTables(w, chunks.Where(c => !c.IsVideo).ToList(), audio.Samples.Select(s => s.Size));
            });
        }
        w.End();
        return w.ToArray();
    }

    private static void Track(BoxWriter w, uint id, long movieDuration, long mediaDuration, int timescale, bool isVideo,
        int width, int height, Action<BoxWriter> sampleTable)
    {
        w.Begin("trak");
        w.BeginFull("tkhd", 0, 3); // enabled, in movie
        w.U32(0);
        w.U32(0);
        w.U32(id);
        w.U32(0);
        w.U32(checked((uint)movieDuration));
        w.Zeros(8);
        w.U16(0); // layer
        w.U16(isVideo ? (ushort)0 : (ushort)1); // alternate group: audio tracks form one
        w.U16(isVideo ? (ushort)0 : (ushort)0x0100);
        w.U16(0);
        Matrix(w);
        w.U32((uint)width << 16);
        w.U32((uint)height << 16);
        w.End();

        w.Begin("mdia");
        w.BeginFull("mdhd", 0, 0);
        w.U32(0);
        w.U32(0);
        w.U32((uint)timescale);
        w.U32(checked((uint)mediaDuration));
        w.U16(0x55C4); // language "und"
        w.U16(0);
        w.End();
        w.BeginFull("hdlr", 0, 0);
        w.U32(0);
        w.Fourcc(isVideo ? "vide" : "soun");
        w.Zeros(12);
        w.Bytes(Encoding.ASCII.GetBytes(isVideo ? "VideoHandler\0" : "SoundHandler\0"));
        w.End();
        w.Begin("minf");
        if (isVideo)
        {
            w.BeginFull("vmhd", 0, 1);
            w.Zeros(8);
        }
        else
        {
            w.BeginFull("smhd", 0, 0);
            w.Zeros(4);
        }
        w.End();
        w.Begin("dinf");
        w.BeginFull("dref", 0, 0);
        w.U32(1);
        w.BeginFull("url ", 0, 1); // media in this file
        w.End();
        w.End();
        w.End();
        w.Begin("stbl");
        sampleTable(w);
        w.End();
        w.End(); // minf
        w.End(); // mdia
        w.End(); // trak
    }

    private static void Matrix(BoxWriter w)
    {
        foreach (var value in new uint[] { 0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000 })
            w.U32(value);
    }

    private static void SampleDescription(BoxWriter w, Action entry)
    {
        w.BeginFull("stsd", 0, 0);
        w.U32(1);
        entry();
        w.End();
    }

    private static void AvcSampleEntry(BoxWriter w, VideoTrack video)
    {
        w.Begin("avc1");
        w.Zeros(6);
        w.U16(1); // data reference index
        w.Zeros(16);
        w.U16((ushort)video.Width);
        w.U16((ushort)video.Height);
        w.U32(0x0048_0000); // 72 dpi
        w.U32(0x0048_0000);
        w.U32(0);
        w.U16(1); // frames per sample
        w.Zeros(32); // compressor name
        w.U16(0x0018); // depth
        w.U16(0xFFFF);
        w.Begin("avcC");
        w.U8(1);
        w.U8(video.Sps[1]); // profile, compatibility, level: copied from the SPS
        w.U8(video.Sps[2]);
        w.U8(video.Sps[3]);
        w.U8(0xFF); // 4-byte NAL lengths
        w.U8(0xE1); // one SPS
        w.U16((ushort)video.Sps.Length);
        w.Bytes(video.Sps);
        w.U8(1);
        w.U16((ushort)video.Pps.Length);
        w.Bytes(video.Pps);
        w.End();
        w.End();
    }

    private static void AudioSampleEntry(BoxWriter w, AudioTrack audio)
    {
        w.Begin("mp4a");
        w.Zeros(6);
        w.U16(1);
        w.Zeros(8);
        w.U16((ushort)audio.Channels);
        w.U16(16);
        w.U32(0);
        w.U32(audio.SampleRate <= ushort.MaxValue ? (uint)audio.SampleRate << 16 : 0);
        w.BeginFull("esds", 0, 0);
        var decoderInfo = audio.DecoderSpecificInfo.Length > 0 ? Descriptor(0x05, audio.DecoderSpecificInfo) : [];
        var config = new byte[13];
        config[0] = audio.ObjectType;
        // Stream type 5 (audio) << 2 | 1, then the 24-bit decoding buffer size.
        BinaryPrimitives.WriteUInt32BigEndian(config.AsSpan(1), 0x1500_0000u | (uint)Math.Min(audio.MaxSampleSize, 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(config.AsSpan(5), (uint)audio.Bitrate);
        BinaryPrimitives.WriteUInt32BigEndian(config.AsSpan(9), (uint)audio.Bitrate);
        var es = new List<byte> { 0, 2, 0 }; // ES_ID (the track), no flags
        es.AddRange(Descriptor(0x04, [.. config, .. decoderInfo]));
        es.AddRange(Descriptor(0x06, [0x02])); // SL config: MP4
        w.Bytes(Descriptor(0x03, [.. es]));
        w.End();
        w.End();
    }

    private static byte[] Descriptor(byte tag, byte[] body)
    {
        if (body.Length > 0x0FFF_FFFF)
            throw new ArgumentException("descriptor too large", nameof(body));
        // The 4-byte length form, as most muxers write it.
        var length = body.Length;
        return [tag, (byte)(0x80 | (length >> 21)), (byte)(0x80 | ((length >> 14) & 0x7F)), (byte)(0x80 | ((length >> 7) & 0x7F)),
            (byte)(length & 0x7F), .. body];
    }

    private static void TimeToSample(BoxWriter w, IEnumerable<int> durations)
    {
        var runs = new List<(uint Count, int Duration)>();
        foreach (var duration in durations)
        {
            if (runs.Count > 0 && runs[^1].Duration == duration)
                runs[^1] = (runs[^1].Count + 1, duration);
            else
                runs.Add((1, duration));
        }
        w.BeginFull("stts", 0, 0);
        w.U32((uint)runs.Count);
        foreach (var (count, duration) in runs)
        {
            w.U32(count);
            w.U32((uint)duration);
        }
        w.End();
    }

    private static void ChunkTables(BoxWriter w, List<Chunk> chunks, IEnumerable<int> sizes)
    {
        w.BeginFull("stsc", 0, 0);
        var runs = new List<(int FirstChunk, int Count)>();
        for (var i = 0; i < chunks.Count; i++)
        {
            if (runs.Count == 0 || runs[^1].Count != chunks[i].Count)
                runs.Add((i + 1, chunks[i].Count));
        }
        w.U32((uint)runs.Count);
        foreach (var (firstChunk, count) in runs)
        {
            w.U32((uint)firstChunk);
            w.U32((uint)count);
            w.U32(1); // sample description index
        }
        w.End();
        var all = sizes.ToList();
        w.BeginFull("stsz", 0, 0);
        w.U32(0); // sizes differ
        w.U32((uint)all.Count);
        foreach (var size in all)
            w.U32((uint)size);
        w.End();
        w.BeginFull("stco", 0, 0);
        w.U32((uint)chunks.Count);
        foreach (var chunk in chunks)
            w.U32((uint)chunk.Offset);
        w.End();
    }

    /// <summary>Big-endian writing with nested boxes whose sizes are filled in when they end.</summary>
    private sealed class BoxWriter
    {
        private readonly MemoryStream _stream = new();
        private readonly Stack<long> _open = new();

        public void Begin(string type)
        {
            _open.Push(_stream.Position);
            U32(0);
            Fourcc(type);
        }

        public void BeginFull(string type, byte version, uint flags)
        {
            Begin(type);
            U32(((uint)version << 24) | flags);
        }

        public void End()
        {
            var start = _open.Pop();
            var end = _stream.Position;
            _stream.Position = start;
            U32(checked((uint)(end - start)));
            _stream.Position = end;
        }

        public void Fourcc(string code) => Bytes(Encoding.ASCII.GetBytes(code));

        public void U8(byte value) => _stream.WriteByte(value);

        public void U16(ushort value)
        {
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            _stream.Write(bytes);
        }

        public void U32(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            _stream.Write(bytes);
        }

        public void Zeros(int count)
        {
            for (var i = 0; i < count; i++)
                _stream.WriteByte(0);
        }

        public void Bytes(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

        public byte[] ToArray() => _open.Count == 0 ? _stream.ToArray() : throw new InvalidOperationException("a box is still open");
    }
}
