using System.Buffers.Binary;

namespace AotBot.Imaging.Video;

/// <summary>
/// Reads the first audio track of an MP4/M4A file (ISO/IEC 14496-12): its esds (object type and AAC's
/// AudioSpecificConfig), timescale, and where each sample lies (stsz sizes, stsc + stco/co64 chunk offsets, stts
/// durations), so the samples can be copied into our MP4 unchanged. Anything malformed gives null, never an exception:
/// the music comes from the internet.
/// </summary>
internal static class Mp4AudioReader
{
    private const int MaxSamples = 1_000_000;

    public static bool LooksLikeMp4(ReadOnlySpan<byte> data) => data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8);

    public static AudioTrack? TryRead(ReadOnlyMemory<byte> file)
    {
        try
        {
            return Read(file);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static AudioTrack? Read(ReadOnlyMemory<byte> file)
    {
        var data = file.Span;
        var moov = Find(data, 0, data.Length, "moov") ?? throw new FormatException("no moov");
        foreach (var trak in Children(data, moov.Start, moov.End, "trak"))
        {
            var mdia = Find(data, trak.Start, trak.End, "mdia");
            if (mdia is not { } m)
                continue;
            var hdlr = Find(data, m.Start, m.End, "hdlr");
            if (hdlr is not { } h || h.End - h.Start < 12 || !data.Slice(h.Start + 8, 4).SequenceEqual("soun"u8))
                continue;
            var mdhd = Find(data, m.Start, m.End, "mdhd") ?? throw new FormatException("no mdhd");
            var timescale = data[mdhd.Start] == 1 ? U32(data, mdhd.Start + 20) : U32(data, mdhd.Start + 12);
            var stbl = Path(data, m, "minf", "stbl") ?? throw new FormatException("no stbl");
            return ReadTable(file, stbl, (int)Math.Min(timescale, int.MaxValue));
        }
        return null;
    }

    private static AudioTrack? ReadTable(ReadOnlyMemory<byte> file, Box stbl, int timescale)
    {
        var data = file.Span;
        if (timescale <= 0)
            throw new FormatException("timescale 0");
        var stsd = Find(data, stbl.Start, stbl.End, "stsd") ?? throw new FormatException("no stsd");
        // stsd: version/flags, entry count, then the first sample entry box.
        var entry = Box.At(data, stsd.Start + 8, stsd.End) ?? throw new FormatException("no sample entry");
        if (!entry.Is("mp4a"))
            return null;
        var channels = U16(data, entry.Start + 16);
        var sampleRate = U16(data, entry.Start + 24);
        var esds = Find(data, entry.Start + 28, entry.End, "esds") ?? throw new FormatException("no esds");
        var (objectType, decoderInfo) = ParseEsds(data[(esds.Start + 4)..esds.End]);
        if (objectType is not (AudioTrack.Aac or AudioTrack.Mpeg1Audio or AudioTrack.Mpeg2Audio))
            return null;

        var sizes = SampleSizes(data, Find(data, stbl.Start, stbl.End, "stsz") ?? throw new FormatException("no stsz"));
        var offsets = ChunkOffsets(data, stbl);
        var durations = Durations(data, Find(data, stbl.Start, stbl.End, "stts") ?? throw new FormatException("no stts"), sizes.Length);
        var stsc = Find(data, stbl.Start, stbl.End, "stsc") ?? throw new FormatException("no stsc");
        var samples = new List<AudioSample>(sizes.Length);
        var runs = U32(data, stsc.Start + 4);
        var sample = 0;
        for (var run = 0; run < runs && sample < sizes.Length; run++)
        {
            var at = stsc.Start + 8 + run * 12;
            var firstChunk = (int)U32(data, at) - 1;
            var perChunk = U32(data, at + 4);
            var lastChunk = run + 1 < runs ? (int)U32(data, at + 12) - 1 : offsets.Length;
            if (firstChunk < 0 || lastChunk > offsets.Length || perChunk > MaxSamples)
                throw new FormatException("stsc out of range");
            for (var chunk = firstChunk; chunk < lastChunk && sample < sizes.Length; chunk++)
            {
                var offset = offsets[chunk];
                for (var i = 0; i < perChunk && sample < sizes.Length; i++)
                {
                    if (offset < 0 || offset + sizes[sample] > data.Length)
                        throw new FormatException("a sample lies outside the file");
                    samples.Add(new AudioSample(offset, sizes[sample], durations[sample]));
                    offset += sizes[sample++];
                }
            }
        }
        if (samples.Count == 0)
            return null;
        return new AudioTrack(objectType, sampleRate, channels, timescale, decoderInfo, file, samples);
    }

    private static (byte ObjectType, byte[] DecoderInfo) ParseEsds(ReadOnlySpan<byte> esds)
    {
        var position = 0;
        var (tag, length) = ReadDescriptor(esds, ref position);
        if (tag != 0x03)
            throw new FormatException("esds without ES_Descriptor");
        var end = position + length;
        var flags = esds[position + 2];
        position += 3;
        if ((flags & 0x80) != 0)
            position += 2;
        if ((flags & 0x40) != 0)
            position += 1 + esds[position];
        if ((flags & 0x20) != 0)
            position += 2;
        (tag, length) = ReadDescriptor(esds, ref position);
        if (tag != 0x04 || position + 13 > esds.Length)
            throw new FormatException("esds without DecoderConfigDescriptor");
        var objectType = esds[position];
        var configEnd = position + length;
        position += 13;
        byte[] decoderInfo = [];
        if (position < configEnd && position < end)
        {
            (tag, length) = ReadDescriptor(esds, ref position);
            if (tag == 0x05)
                decoderInfo = esds.Slice(position, length).ToArray();
        }
        return (objectType, decoderInfo);
    }

    private static (byte Tag, int Length) ReadDescriptor(ReadOnlySpan<byte> data, ref int position)
    {
        if (position >= data.Length)
            throw new FormatException("descriptor past the end");
        var tag = data[position++];
        var length = 0;
        for (var i = 0; i < 4; i++)
        {
            if (position >= data.Length)
                throw new FormatException("descriptor past the end");
            var b = data[position++];
            length = length << 7 | (b & 0x7F);
            if ((b & 0x80) == 0)
                break;
        }
        if (position + length > data.Length)
            throw new FormatException("descriptor past the end");
        return (tag, length);
    }

    private static int[] SampleSizes(ReadOnlySpan<byte> data, Box stsz)
    {
        var fixedSize = U32(data, stsz.Start + 4);
        var count = U32(data, stsz.Start + 8);
        if (count > MaxSamples || (fixedSize == 0 && stsz.Start + 12 + count * 4L > stsz.End))
            throw new FormatException("stsz out of range");
        var sizes = new int[count];
        for (var i = 0; i < count; i++)
            sizes[i] = (int)Math.Min(fixedSize != 0 ? fixedSize : U32(data, stsz.Start + 12 + i * 4), int.MaxValue);
        return sizes;
    }

    private static long[] ChunkOffsets(ReadOnlySpan<byte> data, Box stbl)
    {
        var wide = Find(data, stbl.Start, stbl.End, "co64");
        var box = wide ?? Find(data, stbl.Start, stbl.End, "stco") ?? throw new FormatException("no stco");
        var width = wide is null ? 4 : 8;
        var count = U32(data, box.Start + 4);
        if (count > MaxSamples || box.Start + 8 + count * (long)width > box.End)
            throw new FormatException("stco out of range");
        var offsets = new long[count];
        for (var i = 0; i < count; i++)
        {
            offsets[i] = width == 4 ? U32(data, box.Start + 8 + i * 4)
                : (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(data[(box.Start + 8 + i * 8)..]), long.MaxValue);
        }
        return offsets;
    }

    private static int[] Durations(ReadOnlySpan<byte> data, Box stts, int sampleCount)
    {
        var durations = new int[sampleCount];
        var runs = U32(data, stts.Start + 4);
        var sample = 0;
        for (var run = 0; run < runs && sample < sampleCount; run++)
        {
            var count = U32(data, stts.Start + 8 + run * 8);
            var duration = (int)Math.Min(U32(data, stts.Start + 12 + run * 8), int.MaxValue);
            for (var i = 0L; i < count && sample < sampleCount; i++)
                durations[sample++] = duration;
        }
        if (sample < sampleCount)
            throw new FormatException("stts covers fewer samples than stsz");
        return durations;
    }

    /// <summary>A box's payload range (after its header), type and where the next sibling starts.</summary>
    private readonly record struct Box(int Start, int End, uint Type)
    {
        public static Box? At(ReadOnlySpan<byte> data, int position, int limit)
        {
            if (position + 8 > limit)
                return null;
            long size = U32(data, position);
            var header = 8;
            if (size == 1)
            {
                if (position + 16 > limit)
                    throw new FormatException("truncated box");
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(data[(position + 8)..]), long.MaxValue);
                header = 16;
            }
            else if (size == 0)
            {
                size = limit - position;
            }
            if (size < header || position + size > limit)
                throw new FormatException("box larger than its parent");
            return new Box(position + header, (int)(position + size), U32(data, position + 4));
        }

        public bool Is(string type) => Type == Fourcc(type);
    }

    private static uint Fourcc(string type) => (uint)type[0] << 24 | (uint)type[1] << 16 | (uint)type[2] << 8 | type[3];

    private static Box? Find(ReadOnlySpan<byte> data, int start, int end, string type)
    {
        var position = start;
        while (Box.At(data, position, end) is { } box)
        {
            if (box.Is(type))
                return box;
            position = box.End;
        }
        return null;
    }

    private static List<Box> Children(ReadOnlySpan<byte> data, int start, int end, string type)
    {
        var found = new List<Box>();
        var position = start;
        while (Box.At(data, position, end) is { } box)
        {
            if (box.Is(type))
                found.Add(box);
            position = box.End;
        }
        return found;
    }

    private static Box? Path(ReadOnlySpan<byte> data, Box parent, params string[] types)
    {
        var (start, end) = (parent.Start, parent.End);
        Box? found = null;
        foreach (var type in types)
        {
            found = Find(data, start, end, type);
            if (found is not { } f)
                return null;
            (start, end) = (f.Start, f.End);
        }
        return found;
    }

    private static uint U32(ReadOnlySpan<byte> data, int at) =>
        at >= 0 && at + 4 <= data.Length ? BinaryPrimitives.ReadUInt32BigEndian(data[at..]) : throw new FormatException("truncated");

    private static ushort U16(ReadOnlySpan<byte> data, int at) =>
        at >= 0 && at + 2 <= data.Length ? BinaryPrimitives.ReadUInt16BigEndian(data[at..]) : throw new FormatException("truncated");
}
