using System.Buffers.Binary;
using System.Text;

namespace AotBot.Tests.Imaging;

/// <summary>
/// A minimal HEIF reader/writer for making test files heif-enc 1.15 cannot: rotated (irot), mirrored (imir), grids,
/// colour boxes, lying ispe sizes. It reads what heif-enc writes (meta with hdlr/pitm/iloc/iinf/iprp/iref, one mdat)
/// and writes a fresh file with every item's data in one mdat.
/// </summary>
internal sealed class HeifFile
{
    public sealed record Item(uint Id, string Type, byte[] Data, bool Hidden, List<(int Property, bool Essential)> Properties);

    public List<Item> Items { get; } = [];

    /// <summary>ipco's child boxes, whole (header included); associations index them from 1.</summary>
    public List<byte[]> Properties { get; } = [];

    public List<(string Type, uint From, uint[] To)> References { get; } = [];

    public uint PrimaryId { get; set; }

    public Item Primary => Items.Single(i => i.Id == PrimaryId);

    public static HeifFile Load(string fixture) => Parse(File.ReadAllBytes(ImagingFixtures.Path(fixture)));

    public static HeifFile Parse(byte[] file)
    {
        var heif = new HeifFile();
        var meta = Child(file, 0, file.Length, "meta") ?? throw new InvalidDataException("no meta box");
        var (metaStart, metaEnd) = (meta.Body + 4, meta.End); // full box
        var pitm = Child(file, metaStart, metaEnd, "pitm")!.Value;
        heif.PrimaryId = file[pitm.Body] == 0 ? U16(file, pitm.Body + 4) : U32(file, pitm.Body + 4);

        var locations = ParseIloc(file, Child(file, metaStart, metaEnd, "iloc")!.Value);
        var iinf = Child(file, metaStart, metaEnd, "iinf")!.Value;
        var entriesStart = iinf.Body + 4 + (file[iinf.Body] == 0 ? 2 : 4);
        foreach (var infe in Children(file, entriesStart, iinf.End))
        {
            var version = file[infe.Body];
            var hidden = (file[infe.Body + 3] & 1) != 0;
            var at = infe.Body + 4;
            uint id = version >= 3 ? U32(file, at) : U16(file, at);
            at += (version >= 3 ? 4 : 2) + 2;
            var type = Encoding.ASCII.GetString(file, at, 4);
            var (offset, length, inIdat) = locations[id];
            if (inIdat)
                offset += Child(file, metaStart, metaEnd, "idat")!.Value.Body;
            heif.Items.Add(new Item(id, type, file[(int)offset..(int)(offset + length)], hidden, []));
        }

        var iprp = Child(file, metaStart, metaEnd, "iprp")!.Value;
        var ipco = Child(file, iprp.Body, iprp.End, "ipco")!.Value;
        foreach (var box in Children(file, ipco.Body, ipco.End))
            heif.Properties.Add(file[box.Start..box.End]);
        var ipma = Child(file, iprp.Body, iprp.End, "ipma")!.Value;
        var (ipmaVersion, wideIndex) = (file[ipma.Body], (file[ipma.Body + 3] & 1) != 0);
        var count = U32(file, ipma.Body + 4);
        var p = ipma.Body + 8;
        for (var e = 0; e < count; e++)
        {
            uint id = ipmaVersion < 1 ? U16(file, p) : U32(file, p);
            p += ipmaVersion < 1 ? 2 : 4;
            var associations = file[p++];
            var item = heif.Items.Single(i => i.Id == id);
            for (var a = 0; a < associations; a++)
            {
                int value = wideIndex ? U16(file, p) : file[p];
                p += wideIndex ? 2 : 1;
                var essentialBit = wideIndex ? 0x8000 : 0x80;
                item.Properties.Add((value & (essentialBit - 1), (value & essentialBit) != 0));
            }
        }

        if (Child(file, metaStart, metaEnd, "iref") is { } iref)
        {
            var wideIds = file[iref.Body] != 0;
            foreach (var reference in Children(file, iref.Body + 4, iref.End))
            {
                var at = reference.Body;
                uint from = wideIds ? U32(file, at) : U16(file, at);
                at += wideIds ? 4 : 2;
                var to = new uint[U16(file, at)];
                at += 2;
                for (var t = 0; t < to.Length; t++, at += wideIds ? 4 : 2)
                    to[t] = wideIds ? U32(file, at) : U16(file, at);
                heif.References.Add((reference.Type, from, to));
            }
        }
        return heif;
    }

    /// <summary>Associates a property box with an item; transformative ones (irot, imir) apply in the order added.</summary>
    public HeifFile AddProperty(uint itemId, byte[] box, bool essential = true)
    {
        Properties.Add(box);
        Items.Single(i => i.Id == itemId).Properties.Add((Properties.Count, essential));
        return this;
    }

    /// <summary>Replaces the item's property of <paramref name="type"/> (a new box, so other items keep theirs).</summary>
    public HeifFile ReplaceProperty(uint itemId, string type, byte[] box)
    {
        var item = Items.Single(i => i.Id == itemId);
        var at = item.Properties.FindIndex(p => BoxType(Properties[p.Property - 1]) == type);
        Properties.Add(box);
        item.Properties[at] = (Properties.Count, item.Properties[at].Essential);
        return this;
    }

    /// <summary>A grid image of single-image files (row by row), each becoming a hidden tile item.</summary>
    public static HeifFile Grid(int rows, int columns, int outputWidth, int outputHeight, params HeifFile[] tiles)
    {
        var grid = new HeifFile();
        var tileIds = new List<uint>();
        foreach (var tile in tiles)
        {
            var source = tile.Primary;
            var id = (uint)grid.Items.Count + 1;
            var properties = new List<(int, bool)>();
            foreach (var (property, essential) in source.Properties)
            {
                grid.Properties.Add(tile.Properties[property - 1]);
                properties.Add((grid.Properties.Count, essential));
            }
            grid.Items.Add(new Item(id, "hvc1", source.Data, Hidden: true, properties));
            tileIds.Add(id);
        }
        var gridId = (uint)grid.Items.Count + 1;
        var data = new byte[8];
        data[2] = (byte)(rows - 1);
        data[3] = (byte)(columns - 1);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4), (ushort)outputWidth);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(6), (ushort)outputHeight);
        grid.Items.Add(new Item(gridId, "grid", data, Hidden: false, []));
        grid.AddProperty(gridId, Ispe(outputWidth, outputHeight), essential: false);
        grid.References.Add(("dimg", gridId, [.. tileIds]));
        grid.PrimaryId = gridId;
        return grid;
    }

    public static byte[] Irot(int quarterTurnsAnticlockwise) => Box("irot", [(byte)(quarterTurnsAnticlockwise & 3)]);

    /// <summary>imir as libheif 1.15 and the amended spec read it: 0 flips top-bottom, 1 flips left-right.</summary>
    public static byte[] Imir(int mode) => Box("imir", [(byte)(mode & 1)]);

    public static byte[] Ispe(int width, int height)
    {
        var body = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(8), (uint)height);
        return Box("ispe", body);
    }

    public static byte[] ColrNclx(int primaries, int transfer, int matrix, bool fullRange)
    {
        var body = new byte[11];
        "nclx"u8.CopyTo(body);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(4), (ushort)primaries);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(6), (ushort)transfer);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(8), (ushort)matrix);
        body[10] = (byte)(fullRange ? 0x80 : 0);
        return Box("colr", body);
    }

    /// <summary>A clean aperture (crop) of width x height around the image centre.</summary>
    public static byte[] Clap(int width, int height)
    {
        var body = new byte[32];
        uint[] fields = [(uint)width, 1, (uint)height, 1, 0, 1, 0, 1];
        for (var i = 0; i < fields.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(i * 4), fields[i]);
        return Box("clap", body);
    }

    public static byte[] ColrIcc(byte[] profile) => Box("colr", [.. "prof"u8, .. profile]);

    public byte[] Write()
    {
        var ftyp = Box("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1"u8, .. "heic"u8]);
        var meta = Meta(mdatDataStart: 0);
        meta = Meta(mdatDataStart: ftyp.Length + meta.Length + 8);
        var mdat = Box("mdat", [.. Items.SelectMany(i => i.Data)]);
        return [.. ftyp, .. meta, .. mdat];
    }

    private byte[] Meta(int mdatDataStart)
    {
        var hdlr = FullBox("hdlr", [0, 0, 0, 0, .. "pict"u8, .. new byte[12], 0]);
        var pitm = FullBox("pitm", U16Bytes(PrimaryId));

        var iinfBody = new List<byte>(U16Bytes((uint)Items.Count));
        foreach (var item in Items)
            iinfBody.AddRange(FullBox("infe", [.. U16Bytes(item.Id), 0, 0, .. Encoding.ASCII.GetBytes(item.Type), 0], version: 2, flags: item.Hidden ? 1 : 0));
        var iinf = FullBox("iinf", [.. iinfBody]);

        // iloc version 0: offset and length 4 bytes, no base offset; one extent per item.
        var ilocBody = new List<byte> { 0x44, 0x00 };
        ilocBody.AddRange(U16Bytes((uint)Items.Count));
        var offset = mdatDataStart;
        foreach (var item in Items)
        {
            ilocBody.AddRange(U16Bytes(item.Id));
            ilocBody.AddRange(U16Bytes(0)); // data reference index
            ilocBody.AddRange(U16Bytes(1)); // extent count
            ilocBody.AddRange(U32Bytes((uint)offset));
            ilocBody.AddRange(U32Bytes((uint)item.Data.Length));
            offset += item.Data.Length;
        }
        var iloc = FullBox("iloc", [.. ilocBody]);

        var ipco = Box("ipco", [.. Properties.SelectMany(p => p)]);
        var ipmaBody = new List<byte>(U32Bytes((uint)Items.Count(i => i.Properties.Count > 0)));
        foreach (var item in Items.Where(i => i.Properties.Count > 0))
        {
            ipmaBody.AddRange(U16Bytes(item.Id));
            ipmaBody.Add((byte)item.Properties.Count);
            foreach (var (property, essential) in item.Properties)
                ipmaBody.Add((byte)(property | (essential ? 0x80 : 0)));
        }
        var iprp = Box("iprp", [.. ipco, .. FullBox("ipma", [.. ipmaBody])]);

        var children = new List<byte>([.. hdlr, .. pitm, .. iloc, .. iinf]);
        if (References.Count > 0)
        {
            var irefBody = new List<byte>();
            foreach (var (type, from, to) in References)
                irefBody.AddRange(Box(type, [.. U16Bytes(from), .. U16Bytes((uint)to.Length), .. to.SelectMany(U16Bytes)]));
            children.AddRange(FullBox("iref", [.. irefBody]));
        }
        children.AddRange(iprp);
        return FullBox("meta", [.. children]);
    }

    private readonly record struct BoxSpan(string Type, int Start, int Body, int End);

    private static IEnumerable<BoxSpan> Children(byte[] file, int start, int end)
    {
        for (var at = start; at + 8 <= end;)
        {
            var size = (int)U32(file, at);
            if (size < 8 || at + size > end)
                throw new InvalidDataException($"bad box at {at}");
            yield return new BoxSpan(Encoding.ASCII.GetString(file, at + 4, 4), at, at + 8, at + size);
            at += size;
        }
    }

    private static BoxSpan? Child(byte[] file, int start, int end, string type) =>
        Children(file, start, end).Where(b => b.Type == type).Select(b => (BoxSpan?)b).FirstOrDefault();

    /// <summary>Each item's extent: a file offset, or an offset into idat (construction method 1).</summary>
    private static Dictionary<uint, (long Offset, long Length, bool InIdat)> ParseIloc(byte[] file, BoxSpan iloc)
    {
        var version = file[iloc.Body];
        var at = iloc.Body + 4;
        var (offsetSize, lengthSize) = (file[at] >> 4, file[at] & 15);
        var (baseOffsetSize, indexSize) = (file[at + 1] >> 4, version is 1 or 2 ? file[at + 1] & 15 : 0);
        at += 2;
        var count = version < 2 ? U16(file, at) : U32(file, at);
        at += version < 2 ? 2 : 4;
        var result = new Dictionary<uint, (long, long, bool)>();
        for (var i = 0; i < count; i++)
        {
            uint id = version < 2 ? U16(file, at) : U32(file, at);
            at += version < 2 ? 2 : 4;
            var inIdat = false;
            if (version is 1 or 2)
            {
                inIdat = (U16(file, at) & 15) == 1;
                at += 2;
            }
            at += 2; // data reference index
            var baseOffset = Read(file, ref at, baseOffsetSize);
            var extents = U16(file, at);
            at += 2;
            if (extents != 1)
                throw new InvalidDataException("one extent per item expected");
            Read(file, ref at, indexSize);
            var offset = Read(file, ref at, offsetSize);
            var length = Read(file, ref at, lengthSize);
            result[id] = (baseOffset + offset, length, inIdat);
        }
        return result;
    }

    private static long Read(byte[] file, ref int at, int size)
    {
        long value = size switch { 0 => 0, 4 => U32(file, at), 8 => (long)BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(at)), _ => throw new InvalidDataException() };
        at += size;
        return value;
    }

    private static string BoxType(byte[] box) => Encoding.ASCII.GetString(box, 4, 4);

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));

    private static byte[] U16Bytes(uint value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32Bytes(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public static byte[] Box(string type, byte[] body) => [.. U32Bytes((uint)body.Length + 8), .. Encoding.ASCII.GetBytes(type), .. body];

    private static byte[] FullBox(string type, byte[] body, int version = 0, int flags = 0) =>
        Box(type, [(byte)version, (byte)(flags >> 16), (byte)(flags >> 8), (byte)flags, .. body]);
}
