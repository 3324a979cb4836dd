using System.Buffers.Binary;
using System.Text;

namespace AotBot.Tests.Imaging.Video;

/// <summary>
/// An independent reader of the MP4s under test: the box tree (type, absolute offset, payload) and the few fields the
/// specs check, read straight from the bytes as ISO/IEC 14496-12 lays them out.
/// </summary>
internal sealed record Mp4Box(string Type, long Offset, byte[] File, int PayloadStart, int End, List<Mp4Box> Children)
{
    private static readonly HashSet<string> s_containers = ["moov", "trak", "mdia", "minf", "stbl", "dinf", "edts"];

    public ReadOnlySpan<byte> Payload => File.AsSpan(PayloadStart, End - PayloadStart);

    public static List<Mp4Box> Parse(byte[] file) => Parse(file, 0, file.Length);

    private static List<Mp4Box> Parse(byte[] file, int start, int end)
    {
        var boxes = new List<Mp4Box>();
        for (var position = start; position < end;)
        {
            Assert.True(position + 8 <= end, $"a box header at {position} runs past its parent's end {end}");
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(position));
            var type = Encoding.ASCII.GetString(file, position + 4, 4);
            Assert.True(size >= 8 && position + size <= end, $"box {type} at {position} has size {size}, past its parent's end {end}");
            var children = s_containers.Contains(type) ? Parse(file, position + 8, position + size) : [];
            boxes.Add(new Mp4Box(type, position, file, position + 8, position + size, children));
            position += size;
        }
        return boxes;
    }

    public Mp4Box Child(string path)
    {
        var box = this;
        foreach (var type in path.Split('/'))
            box = box.Children.Single(c => c.Type == type);
        return box;
    }

    public uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(Payload[at..]);

    public ushort U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(Payload[at..]);

    /// <summary>(count, duration) runs of stts.</summary>
    public List<(uint Count, uint Duration)> TimeToSample() =>
        Enumerable.Range(0, (int)U32(4)).Select(i => (U32(8 + i * 8), U32(12 + i * 8))).ToList();

    public List<uint> SampleSizes() => Enumerable.Range(0, (int)U32(8)).Select(i => U32(12 + i * 4)).ToList();

    public List<uint> ChunkOffsets() => Enumerable.Range(0, (int)U32(4)).Select(i => U32(8 + i * 4)).ToList();

    /// <summary>(first chunk, samples per chunk) runs of stsc.</summary>
    public List<(uint FirstChunk, uint PerChunk)> SampleToChunk() =>
        Enumerable.Range(0, (int)U32(4)).Select(i => (U32(8 + i * 12), U32(12 + i * 12))).ToList();

    /// <summary>The bytes of every sample of a trak, found through its sample table.</summary>
    public List<byte[]> Samples()
    {
        var stbl = Child("mdia/minf/stbl");
        var sizes = stbl.Child("stsz").SampleSizes();
        var offsets = stbl.Child("stco").ChunkOffsets();
        var runs = stbl.Child("stsc").SampleToChunk();
        var samples = new List<byte[]>();
        for (var chunk = 0; chunk < offsets.Count; chunk++)
        {
            var perChunk = runs.Last(r => r.FirstChunk <= chunk + 1).PerChunk;
            var offset = (int)offsets[chunk];
            for (var i = 0; i < perChunk; i++)
            {
                var size = (int)sizes[samples.Count];
                samples.Add(File.AsSpan(offset, size).ToArray());
                offset += size;
            }
        }
        Assert.Equal(sizes.Count, samples.Count);
        return samples;
    }
}
