using System.Buffers.Binary;

namespace AotBot.Imaging.Heif;

/// <summary>
/// Reads a HEIF/AVIF file's item references (meta → iref) before libheif sees it, and refuses a file whose derived
/// images (grid, iden, iovl via 'dimg', alpha planes via 'auxl') reference each other in a loop or nest too deep.
/// libheif 1.15 decoded such a file by recursing for ever, one std::async per level, until thread creation failed and
/// std::terminate aborted the whole bot (found by the fuzz: a grid whose tile is the grid itself). 1.19 has security
/// limits of its own; this check stays because it costs a few microseconds and does not depend on the library's version.
/// </summary>
internal static class HeifReferences
{
    /// <summary>Derived images of derived images: a grid of tiles is 1, an iden of a grid 2. Real files stay far below.</summary>
    internal const int MaxDepth = 8;

    /// <summary>Why the file must not be decoded, or null when its references are sound (or it has none, or no meta).</summary>
    public static string? Problem(ReadOnlySpan<byte> file)
    {
        // meta and iref are full boxes: version and flags come first.
        if (Find(file, "meta"u8) is not { Length: >= 4 } metaBox) return null;
        var meta = file.Slice(metaBox.Start + 4, metaBox.Length - 4);
        if (Find(meta, "iref"u8) is not { Length: >= 4 } irefBox) return null;
        var iref = meta.Slice(irefBox.Start, irefBox.Length);
        var wideIds = iref[0] != 0;
        var idSize = wideIds ? 4 : 2;
        // Edges in decoding order: a derived image needs the images it names ('dimg'); an image needs its alpha plane,
        // which names it ('auxl' goes from the alpha item to its master).
        var needs = new Dictionary<uint, List<uint>>();
        var references = iref[4..];
        foreach (var (type, start, length) in Boxes(references))
        {
            var isDimg = type == Dimg;
            if (!isDimg && type != Auxl) continue;
            var body = references.Slice(start, length);
            if (body.Length < idSize + 2) continue;
            var from = ReadId(body, wideIds);
            int count = BinaryPrimitives.ReadUInt16BigEndian(body[idSize..]);
            var to = body[(idSize + 2)..];
            for (var i = 0; i < count && (i + 1) * idSize <= to.Length; i++)
            {
                var other = ReadId(to[(i * idSize)..], wideIds);
                if (isDimg) Add(needs, from, other);
                else Add(needs, other, from);
            }
        }
        return DepthOrLoop(needs);
    }

    private const uint Dimg = 'd' << 24 | 'i' << 16 | 'm' << 8 | 'g';
    private const uint Auxl = 'a' << 24 | 'u' << 16 | 'x' << 8 | 'l';

    private static void Add(Dictionary<uint, List<uint>> needs, uint from, uint to)
    {
        if (!needs.TryGetValue(from, out var list)) needs[from] = list = [];
        list.Add(to);
    }

    /// <summary>Depth-first over the references, iteratively (a hostile file must not overflow our stack either).</summary>
    private static string? DepthOrLoop(Dictionary<uint, List<uint>> needs)
    {
        var finished = new Dictionary<uint, int>(); // item → depth of what it needs, once fully explored
        foreach (var root in needs.Keys)
        {
            if (finished.ContainsKey(root)) continue;
            var onPath = new HashSet<uint> { root };
            var stack = new Stack<(uint Item, int Next)>();
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (item, next) = stack.Pop();
                var children = needs.GetValueOrDefault(item) ?? [];
                if (next < children.Count)
                {
                    stack.Push((item, next + 1));
                    var child = children[next];
                    if (onPath.Contains(child)) return $"The image's items reference each other in a loop (item {item} needs item {child}).";
                    if (finished.ContainsKey(child)) continue;
                    if (stack.Count >= MaxDepth) return $"The image's items nest deeper than {MaxDepth} levels.";
                    onPath.Add(child);
                    stack.Push((child, 0));
                    continue;
                }
                var depth = children.Count == 0 ? 0 : 1 + children.Max(c => finished.GetValueOrDefault(c));
                if (depth > MaxDepth) return $"The image's items nest deeper than {MaxDepth} levels.";
                finished[item] = depth;
                onPath.Remove(item);
            }
        }
        return null;
    }

    private static uint ReadId(ReadOnlySpan<byte> bytes, bool wide) =>
        wide ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);

    /// <summary>Where the body of the first box of <paramref name="type"/> among <paramref name="boxes"/> is, or null.</summary>
    private static (int Start, int Length)? Find(ReadOnlySpan<byte> boxes, ReadOnlySpan<byte> type)
    {
        var wanted = BinaryPrimitives.ReadUInt32BigEndian(type);
        foreach (var (boxType, start, length) in Boxes(boxes))
            if (boxType == wanted) return (start, length);
        return null;
    }

    /// <summary>The boxes in a run of boxes: type, body offset and body length; stops at the first that does not fit.</summary>
    private static List<(uint Type, int Start, int Length)> Boxes(ReadOnlySpan<byte> boxes)
    {
        var found = new List<(uint, int, int)>();
        var at = 0;
        while (boxes.Length - at >= 8)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(boxes[at..]);
            var header = 8;
            if (size == 1)
            {
                if (boxes.Length - at < 16) break;
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(boxes[(at + 8)..]), long.MaxValue);
                header = 16;
            }
            else if (size == 0)
            {
                size = boxes.Length - at;
            }
            if (size < header || size > boxes.Length - at) break;
            found.Add((BinaryPrimitives.ReadUInt32BigEndian(boxes[(at + 4)..]), at + header, (int)size - header));
            at += (int)size;
        }
        return found;
    }
}
