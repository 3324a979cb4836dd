using System.Buffers.Binary;
using System.Text;

namespace AotBot.Testing.Fuzz;

/// <summary>One input of a fuzz run: its bytes and how it was made (seed and mutations), for the report and replays.</summary>
public sealed record FuzzInput(int Iteration, string Seed, byte[] Bytes, IReadOnlyList<string> Mutations)
{
    public string Describe() => $"#{Iteration} from {Seed}: {string.Join(", ", Mutations)}";
}

/// <summary>
/// Mutates HEIF/AVIF files (ISO-BMFF boxes) the way broken or hostile files differ from good ones: flipped bits,
/// lying box sizes and counts, swapped box types, boxes dropped, doubled or taken from another file, truncation, and
/// bit flips aimed at the decoder's own data (the hvcC/av1C parameter sets and the coded slices in mdat).
/// Deterministic: iteration N of a seed list is the same input on every run.
/// </summary>
public sealed class HeifMutator(IReadOnlyList<(string Name, byte[] Bytes)> seeds, int runSeed = 1)
{
    private static readonly string[] s_containers = ["meta", "iprp", "ipco", "dinf", "iinf", "iref", "moov", "trak", "mdia", "minf", "stbl"];

    private static readonly string[] s_boxTypes =
    [
        "ftyp", "meta", "hdlr", "pitm", "iloc", "iinf", "infe", "iref", "dimg", "thmb", "auxl", "cdsc", "iprp", "ipco", "ipma",
        "hvcC", "av1C", "ispe", "colr", "pixi", "irot", "imir", "clap", "auxC", "mdat", "idat", "grid", "iden", "iovl", "free",
    ];

    private static readonly uint[] s_interesting32 = [0, 1, 2, 7, 8, 9, 16, 255, 256, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    private static readonly byte[] s_interesting8 = [0, 1, 2, 3, 4, 0x0F, 0x10, 0x3F, 0x40, 0x7F, 0x80, 0xFE, 0xFF];

    public IReadOnlyList<(string Name, byte[] Bytes)> Seeds => seeds;

    /// <summary>Input number <paramref name="iteration"/>: a seed with one to four mutations stacked.</summary>
    public FuzzInput Next(int iteration)
    {
        var random = new Random(HashCode.Combine(runSeed, iteration));
        var (name, seed) = seeds[random.Next(seeds.Count)];
        var bytes = seed.ToList();
        var applied = new List<string>();
        var count = 1 + (random.Next(8) switch { < 4 => 0, < 6 => 1, 6 => 2, _ => 3 });
        for (var i = 0; i < count && bytes.Count > 0; i++)
            applied.Add(Mutate(bytes, random));
        return new FuzzInput(iteration, name, [.. bytes], applied);
    }

    private string Mutate(List<byte> bytes, Random random)
    {
        var boxes = Boxes(bytes);
        // Weighted towards few, local changes and towards the decoders' own input: a file whose boxes are broken stops
        // at the box parser, which the first few hundred inputs have covered.
        switch (random.Next(21))
        {
            case 0 or 1 or 2 or 3:
            {
                var flips = 1 + random.Next(4);
                for (var i = 0; i < flips; i++) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                return $"flip {flips} bits";
            }
            case 4:
            {
                var at = random.Next(bytes.Count);
                bytes[at] = s_interesting8[random.Next(s_interesting8.Length)];
                return $"byte {at} = {bytes[at]}";
            }
            case 5 when boxes.Count > 0:
            {
                var box = boxes[random.Next(boxes.Count)];
                var size = random.Next(3) switch
                {
                    0 => s_interesting32[random.Next(s_interesting32.Length)],
                    1 => (uint)(box.End - box.Start + random.Next(-8, 9)),
                    _ => (uint)(bytes.Count - box.Start + random.Next(-4, 64)),
                };
                WriteU32(bytes, box.Start, size);
                return $"{box.Type}@{box.Start} size = {size}";
            }
            case 6 when boxes.Count > 0:
            {
                var box = boxes[random.Next(boxes.Count)];
                var type = s_boxTypes[random.Next(s_boxTypes.Length)];
                for (var i = 0; i < 4; i++) bytes[box.Start + 4 + i] = (byte)type[i];
                return $"{box.Type}@{box.Start} type = {type}";
            }
            case 7 or 8 or 9 when boxes.Count > 0:
            {
                // A field of a box body: versions, flags, counts, ids, widths, offsets, extents.
                var box = boxes[random.Next(boxes.Count)];
                var length = box.End - box.Body;
                if (length <= 0) return "no-op";
                var at = box.Body + random.Next(Math.Min(length, 64));
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = s_interesting8[random.Next(s_interesting8.Length)];
                        return $"{box.Type}+{at - box.Body} u8 = {bytes[at]}";
                    case 1 when at + 2 <= box.End:
                        var u16 = (ushort)s_interesting32[random.Next(s_interesting32.Length)];
                        bytes[at] = (byte)(u16 >> 8);
                        bytes[at + 1] = (byte)u16;
                        return $"{box.Type}+{at - box.Body} u16 = {u16}";
                    default:
                        if (at + 4 > box.End) at = Math.Max(box.Body, box.End - 4);
                        if (at + 4 > bytes.Count) return "no-op";
                        var u32 = s_interesting32[random.Next(s_interesting32.Length)];
                        WriteU32(bytes, at, u32);
                        return $"{box.Type}+{at - box.Body} u32 = {u32}";
                }
            }
            case 10:
            {
                // Mostly a download cut short (the tail of the data), sometimes anywhere.
                var at = random.Next(2) == 0 ? random.Next(bytes.Count) : bytes.Count - 1 - random.Next(Math.Max(1, bytes.Count / 4));
                bytes.RemoveRange(at, bytes.Count - at);
                return $"truncate at {at}";
            }
            case 11 when boxes.Count > 0:
            {
                var box = boxes[random.Next(boxes.Count)];
                var copy = bytes.GetRange(box.Start, box.End - box.Start);
                bytes.InsertRange(box.End, copy);
                return $"double {box.Type}@{box.Start}";
            }
            case 12 when boxes.Count > 0:
            {
                var box = boxes[random.Next(boxes.Count)];
                bytes.RemoveRange(box.Start, box.End - box.Start);
                return $"drop {box.Type}@{box.Start}";
            }
            case 13 when boxes.Count > 0:
            {
                // The same kind of box from another file: parameter sets, grids, locations that do not match the rest.
                var box = boxes[random.Next(boxes.Count)];
                var (otherName, other) = seeds[random.Next(seeds.Count)];
                var donors = Boxes([.. other]).Where(b => b.Type == box.Type).ToList();
                if (donors.Count == 0) return "no-op";
                var donor = donors[random.Next(donors.Count)];
                bytes.RemoveRange(box.Start, box.End - box.Start);
                bytes.InsertRange(box.Start, other[donor.Start..donor.End]);
                return $"{box.Type}@{box.Start} from {otherName}";
            }
            case 14:
            {
                var at = random.Next(bytes.Count + 1);
                var chunk = new byte[1 + random.Next(16)];
                random.NextBytes(chunk);
                bytes.InsertRange(at, chunk);
                return $"insert {chunk.Length} bytes at {at}";
            }
            case 19 when boxes.FirstOrDefault(b => b.Type is "iref" or "pitm") is { Type: not null }:
            {
                // An item id in the references (or the primary item) pointed at another small id: loops, self
                // references and dangling ones, which box-level mutations reach only by luck (ids are 1..n).
                var idBoxes = boxes.Where(b => b.Type is "iref" or "pitm" or "dimg" or "auxl" or "thmb" or "cdsc").Where(b => b.End - b.Body >= 6).ToList();
                if (idBoxes.Count == 0) goto default;
                var box = idBoxes[random.Next(idBoxes.Count)];
                var at = box.Body + 2 * random.Next((box.End - box.Body) / 2);
                if (at + 2 > box.End) at = box.End - 2;
                var id = (ushort)random.Next(0, 6);
                bytes[at] = (byte)(id >> 8);
                bytes[at + 1] = (byte)id;
                return $"{box.Type}+{at - box.Body} id = {id}";
            }
            case 15 or 16 or 17 or 18:
            {
                // The decoder's own input: parameter sets (sizes, profiles) and slice data.
                var coded = boxes.Where(b => b.Type is "hvcC" or "av1C" or "mdat" && b.End > b.Body).ToList();
                if (coded.Count == 0) goto default;
                var target = coded[random.Next(coded.Count)];
                var flips = 1 + random.Next(3);
                for (var i = 0; i < flips; i++) bytes[target.Body + random.Next(target.End - target.Body)] ^= (byte)(1 << random.Next(8));
                return $"flip {flips} bits in {target.Type}";
            }
            default:
            {
                var at = random.Next(bytes.Count);
                var length = Math.Min(bytes.Count - at, 1 + random.Next(32));
                for (var i = 0; i < length; i++) bytes[at + i] = (byte)random.Next(256);
                return $"scramble {length} bytes at {at}";
            }
        }
    }

    /// <summary>A box: where it starts, where its body (after the header, and after version/flags for full boxes) starts, where it ends.</summary>
    public readonly record struct Box(string Type, int Start, int Body, int End);

    /// <summary>Every box the walk can find (into the containers HEIF uses), in file order; stops at the first inconsistent header.</summary>
    public static List<Box> Boxes(IReadOnlyList<byte> bytes)
    {
        var found = new List<Box>();
        Walk(bytes, 0, bytes.Count, found, depth: 0);
        return found;
    }

    private static void Walk(IReadOnlyList<byte> bytes, int start, int end, List<Box> found, int depth)
    {
        var at = start;
        while (at + 8 <= end && depth < 8)
        {
            long size = ReadU32(bytes, at);
            var header = 8;
            if (size == 1 && at + 16 <= end)
            {
                size = (long)((ulong)ReadU32(bytes, at + 8) << 32 | ReadU32(bytes, at + 12));
                header = 16;
            }
            else if (size == 0)
            {
                size = end - at;
            }
            if (size < header || at + size > end) return;
            var type = Encoding.ASCII.GetString([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
            var boxEnd = (int)(at + size);
            var body = at + header;
            found.Add(new Box(type, at, body, boxEnd));
            if (s_containers.Contains(type))
            {
                // meta, iinf and iref are full boxes (version and flags first); iinf then counts its entries.
                var children = type switch
                {
                    "meta" or "iref" => body + 4,
                    "iinf" => body + 4 + (body < boxEnd && bytes[body] == 0 ? 2 : 4),
                    _ => body,
                };
                Walk(bytes, children, boxEnd, found, depth + 1);
            }
            at = boxEnd;
        }
    }

    private static uint ReadU32(IReadOnlyList<byte> bytes, int at) =>
        (uint)(bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3]);

    private static void WriteU32(List<byte> bytes, int at, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        for (var i = 0; i < 4; i++) bytes[at + i] = buffer[i];
    }
}
