using System.Collections.Immutable;
using System.Globalization;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

// Where the bytes of the Native AOT binary go, from two files the build writes when asked (bench/size/run.sh asks):
//   the linker's map (-Wl,-Map): how many bytes of the linked binary each input (the ILC's object, each static
//     library) put there, after --gc-sections dropped what nothing uses;
//   the ILC's .mstat (IlcGenerateMstatFile): inside the ILC's object, compiled code and type structures per
//     assembly, and the other data blobs by kind (frozen objects, metadata, ...).
// Usage: SizeReport <binary> <link map> <aotbot.mstat> [shipped dir]
// Prints markdown tables; sizes are bytes and MiB (1 MiB = 1,048,576 B).
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: SizeReport <binary> <link map> <aotbot.mstat> [shipped dir]");
    return 2;
}
var binary = args[0];
var binarySize = new FileInfo(binary).Length;
var map = LinkMap.Read(args[1], ElfSections.FileBacked(binary));
var mstat = Mstat.Read(args[2]);

Report.Shipped(binary, args.Length > 3 ? args[3] : null);
Report.Origins(map, binarySize);
Report.ManagedSections(map);
Report.Assemblies(mstat, map.ManagedBytes);
Report.Blobs(mstat);
return 0;

static class Report
{
    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture);
    static string B(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);
    static string Pct(long part, long whole) => whole == 0 ? "" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static void Shipped(string binary, string? dir)
    {
        if (dir is null) return;
        var files = Directory.GetFiles(dir).Select(f => new FileInfo(f))
            .Where(f => !f.Name.StartsWith('.') && f.Extension is not ".dbg" and not ".pdb")
            .OrderByDescending(f => f.Length).ToList();
        var total = files.Sum(f => f.Length);
        Console.WriteLine("| shipped file | bytes | MiB |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var f in files) Console.WriteLine($"| {f.Name} | {B(f.Length)} | {MiB(f.Length)} |");
        Console.WriteLine($"| **all shipped files** | **{B(total)}** | **{MiB(total)}** |");
        Console.WriteLine();
    }

    public static void Origins(LinkMap map, long binarySize)
    {
        var rows = map.ByOrigin.OrderByDescending(kv => kv.Value).ToList();
        var counted = rows.Sum(kv => kv.Value);
        Console.WriteLine("| the binary, by what the linker put in | bytes | MiB | share |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (origin, bytes) in rows)
            Console.WriteLine($"| {Describe(origin)} | {B(bytes)} | {MiB(bytes)} | {Pct(bytes, binarySize)} |");
        var rest = binarySize - counted;
        Console.WriteLine($"| ELF headers, section alignment, section names | {B(rest)} | {MiB(rest)} | {Pct(rest, binarySize)} |");
        Console.WriteLine($"| **binary** | **{B(binarySize)}** | **{MiB(binarySize)}** | |");
        Console.WriteLine();
    }

    static string Describe(string origin) => origin switch
    {
        LinkMap.Managed => "managed code and data (the ILC's object: every assembly, see below)",
        LinkMap.LinkerTables => "linker-made tables (dynamic symbols, relocations, GOT/PLT, unwind index)",
        LinkMap.Padding => "alignment padding between input sections",
        "libRuntime.WorkstationGC.a" => "libRuntime.WorkstationGC.a (the runtime: GC, exception handling, threads)",
        "libheif.a" => "libheif.a (HEIF container)",
        "libde265.a" => "libde265.a (HEVC decoder: HEIC)",
        "libdav1d.a" => "libdav1d.a (AV1 decoder: AVIF, 8- and 10-bit)",
        "libjpeg.a" => "libjpeg.a (libjpeg-turbo: JPEG encoder)",
        "libSystem.Security.Cryptography.Native.OpenSsl.a" => "libSystem.Security.Cryptography.Native.OpenSsl.a (TLS shim; OpenSSL itself is the system's)",
        "libSystem.IO.Compression.Native.a" => "libSystem.IO.Compression.Native.a (zlib-ng, brotli)",
        "libSystem.Native.a" => "libSystem.Native.a (files, sockets, processes)",
        _ => origin,
    };

    public static void ManagedSections(LinkMap map)
    {
        Console.WriteLine("| the ILC's object, by section | bytes | MiB |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (section, bytes) in map.ManagedSections.OrderByDescending(kv => kv.Value).Where(kv => kv.Value > 0))
            Console.WriteLine($"| {section} | {B(bytes)} | {MiB(bytes)} |");
        Console.WriteLine();
    }

    public static void Assemblies(Mstat mstat, long managedBytes)
    {
        const int top = 20;
        var rows = mstat.Assemblies.Values.OrderByDescending(a => a.Total).ToList();
        Console.WriteLine("| managed, per assembly (mstat) | code | GC/EH info | data | total | MiB | MethodTables in memory |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var a in rows.Take(top))
            Console.WriteLine($"| {a.Name} | {B(a.Code)} | {B(a.Info)} | {B(a.Data)} | {B(a.Total)} | {MiB(a.Total)} | {B(a.Types)} |");
        var rest = rows.Skip(top).ToList();
        if (rest.Count > 0)
            Console.WriteLine($"| {rest.Count} more | {B(rest.Sum(a => a.Code))} | {B(rest.Sum(a => a.Info))} | {B(rest.Sum(a => a.Data))} | {B(rest.Sum(a => a.Total))} | {MiB(rest.Sum(a => a.Total))} | {B(rest.Sum(a => a.Types))} |");
        var all = rows.Sum(a => a.Total);
        Console.WriteLine($"| **all assemblies** | {B(rows.Sum(a => a.Code))} | {B(rows.Sum(a => a.Info))} | {B(rows.Sum(a => a.Data))} | **{B(all)}** | **{MiB(all)}** | {B(rows.Sum(a => a.Types))} |");
        var rest2 = managedBytes - all;
        Console.WriteLine($"| the rest: MethodTables compressed, generic dictionaries, unwind tables, lookup tables (kinds below) | | | | {B(rest2)} | {MiB(rest2)} | |");
        Console.WriteLine($"| **the ILC's object in the binary** (link map) | | | | **{B(managedBytes)}** | **{MiB(managedBytes)}** | |");
        Console.WriteLine();
    }

    public static void Blobs(Mstat mstat)
    {
        const int top = 15;
        var rows = mstat.Blobs.OrderByDescending(kv => kv.Value).ToList();
        // As the ILC reports them: frozen objects (above, per owner) are inside ArrayOfFrozenObjects; the kinds overlap a
        // little and sum to more than the object's data sections.
        Console.WriteLine("| other managed data, by kind (mstat) | bytes | MiB |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (kind, bytes) in rows.Take(top))
            Console.WriteLine($"| {kind} | {B(bytes)} | {MiB(bytes)} |");
        var rest = rows.Skip(top).Sum(kv => kv.Value);
        if (rest > 0) Console.WriteLine($"| {rows.Count - top} more kinds | {B(rest)} | {MiB(rest)} |");
        Console.WriteLine();
    }
}

/// <summary>
/// GNU ld's or lld's map file, reduced to bytes per input (archive, object) over the sections that occupy bytes in the
/// file. Sections the linker makes itself (dynamic symbols, relocations) are counted apart: GNU ld books their inputs
/// at size 0 under an arbitrary object.
/// </summary>
sealed class LinkMap
{
    public const string Managed = "managed";
    public const string LinkerTables = "linker tables";
    public const string Padding = "padding";

    public Dictionary<string, long> ByOrigin { get; } = new();
    public Dictionary<string, long> ManagedSections { get; } = new();
    public long ManagedBytes => ByOrigin.GetValueOrDefault(Managed);

    static readonly HashSet<string> Tables =
    [
        ".interp", ".dynsym", ".dynstr", ".gnu.hash", ".hash", ".gnu.version", ".gnu.version_r", ".gnu.version_d",
        ".rela.dyn", ".rela.plt", ".relr.dyn", ".dynamic", ".got", ".got.plt", ".plt", ".plt.got", ".plt.sec",
        ".eh_frame_hdr", ".note.gnu.build-id", ".note.gnu.property", ".note.ABI-tag",
    ];

    // Only sections that take bytes in the shipped file: loaded and not NOBITS (.bss, .tbss, the ILC's .hydrated).
    HashSet<string> _fileBacked = [];
    bool Counted(string section, ulong address) => _fileBacked.Contains(section);

    public static LinkMap Read(string path, HashSet<string> fileBacked)
    {
        var lines = File.ReadAllLines(path);
        var result = new LinkMap { _fileBacked = fileBacked };
        if (lines.Any(l => l.TrimStart().StartsWith("VMA ") && l.Contains(" LMA "))) result.ReadLld(lines);
        else result.ReadBfd(lines);
        return result;
    }

    void Add(string origin, long bytes) => ByOrigin[origin] = ByOrigin.GetValueOrDefault(origin) + bytes;

    void AddInput(string file, string inputSection, long bytes)
    {
        var origin = Origin(file);
        Add(origin, bytes);
        if (origin == Managed)
        {
            // "__managedcode", "hydrated", ".data.rel.ro" ...: the ILC's own section names, prefix only.
            var name = inputSection.Length > 1 && inputSection.IndexOf('.', 1) is var dot and > 0 ? inputSection[..dot] : inputSection;
            ManagedSections[name] = ManagedSections.GetValueOrDefault(name) + bytes;
        }
    }

    // "/x/obj/.../native/aotbot.o" -> managed; "/x/libdav1d.a(cdef_tmpl.c.o)" -> libdav1d.a; else the file's name.
    static string Origin(string file)
    {
        file = file.Trim();
        var paren = file.IndexOf('(');
        if (paren > 0 && file.EndsWith(')')) file = file[..paren];
        var name = Path.GetFileName(file);
        return name == "aotbot.o" ? Managed : name;
    }

    // GNU ld: after "Linker script and memory map", output sections start in column 0, input sections in column 1,
    // each "name addr size file", with the name alone on its line when it is long.
    void ReadBfd(string[] lines)
    {
        var start = Array.FindIndex(lines, l => l.StartsWith("Linker script and memory map"));
        string? output = null;
        ulong outputAddress = 0;
        long outputSize = 0, inputsSize = 0;
        string? pendingInput = null;
        void CloseOutput()
        {
            if (output is not null && Counted(output, outputAddress))
            {
                if (Tables.Contains(output)) Add(LinkerTables, outputSize);
                else if (outputSize > inputsSize) Add(Padding, outputSize - inputsSize);
            }
            output = null;
        }
        for (var i = start + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) continue;
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line[0] != ' ')
            {
                if (line.StartsWith("LOAD ") || line.StartsWith("OUTPUT(") || line.StartsWith("START GROUP") || line.StartsWith("END GROUP")) continue;
                CloseOutput();
                output = tokens[0];
                inputsSize = 0;
                var (address, size) = tokens.Length >= 3 ? (Hex(tokens[1]), (long)Hex(tokens[2]))
                    : i + 1 < lines.Length && NextNumbers(lines[i + 1]) is { } next ? next : (0UL, 0L);
                outputAddress = address;
                outputSize = size;
                continue;
            }
            if (output is null) continue;
            if (line.Length > 1 && line[1] != ' ')
            {
                // An input section (or a "*(pattern)" line, or "*fill*").
                if (tokens[0] == "*fill*" || tokens[0].StartsWith('*')) { pendingInput = null; continue; }
                if (tokens.Length >= 4 && IsHex(tokens[1]) && IsHex(tokens[2]))
                    Input(tokens[0], Hex(tokens[1]), (long)Hex(tokens[2]), string.Join(' ', tokens.Skip(3)));
                else pendingInput = tokens.Length == 1 ? tokens[0] : null;
                continue;
            }
            // A continuation "addr size file" of a long-named input section, or a symbol "addr name".
            if (pendingInput is not null && tokens.Length >= 3 && IsHex(tokens[0]) && IsHex(tokens[1]))
                Input(pendingInput, Hex(tokens[0]), (long)Hex(tokens[1]), string.Join(' ', tokens.Skip(2)));
            pendingInput = null;
        }
        CloseOutput();

        void Input(string section, ulong address, long size, string file)
        {
            if (!Counted(output!, outputAddress) || Tables.Contains(output!) || size == 0) return;
            inputsSize += size;
            AddInput(file, section, size);
        }
    }

    static (ulong, long)? NextNumbers(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return t.Length >= 2 && IsHex(t[0]) && IsHex(t[1]) ? (Hex(t[0]), (long)Hex(t[1])) : null;
    }

    // lld: "VMA LMA Size Align Out In Symbol", hex without 0x; the column where the text starts says which.
    void ReadLld(string[] lines)
    {
        var header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("VMA "));
        var outColumn = lines[header].IndexOf("Out", StringComparison.Ordinal);
        var inColumn = lines[header].IndexOf("In ", outColumn, StringComparison.Ordinal);
        string? output = null;
        ulong outputAddress = 0;
        long outputSize = 0, inputsSize = 0;
        void CloseOutput()
        {
            if (output is not null && Counted(output, outputAddress))
            {
                if (Tables.Contains(output)) Add(LinkerTables, outputSize);
                else if (outputSize > inputsSize) Add(Padding, outputSize - inputsSize);
            }
        }
        foreach (var line in lines.Skip(header + 1))
        {
            if (line.Length <= outColumn) continue;
            var t = line[..outColumn].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length < 4) continue;
            var address = Hex(t[0]);
            var size = (long)Hex(t[2]);
            var text = line[outColumn..];
            var indent = text.Length - text.TrimStart().Length;
            if (indent == 0)
            {
                CloseOutput();
                output = text.Trim();
                outputAddress = address;
                outputSize = size;
                inputsSize = 0;
            }
            else if (indent == inColumn - outColumn && output is not null)
            {
                var input = text.Trim();
                if (!Counted(output, outputAddress) || Tables.Contains(output) || size == 0) continue;
                // "<file>:(<section>)"; "<internal>:(...)" is the linker's own.
                var colon = input.LastIndexOf(":(", StringComparison.Ordinal);
                if (colon < 0) continue;
                inputsSize += size;
                var file = input[..colon];
                var section = input[(colon + 2)..].TrimEnd(')');
                if (file == "<internal>") Add(LinkerTables, size);
                else AddInput(file, section, size);
            }
        }
        CloseOutput();
    }

    static bool IsHex(string s) => s.StartsWith("0x") && ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, null, out _);
    static ulong Hex(string s) => ulong.Parse(s.StartsWith("0x") ? s.AsSpan(2) : s.AsSpan(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>The names of a 64-bit little-endian ELF file's sections that are loaded and take bytes in the file.</summary>
static class ElfSections
{
    public static HashSet<string> FileBacked(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF file");
        var shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C), shstrndx = BitConverter.ToUInt16(elf, 0x3E);
        long Header(int i) => shoff + (long)i * shentsize;
        var names = (long)BitConverter.ToUInt64(elf, (int)Header(shstrndx) + 0x18);
        var result = new HashSet<string>();
        for (var i = 1; i < shnum; i++)
        {
            var h = (int)Header(i);
            var type = BitConverter.ToUInt32(elf, h + 4);
            var flags = BitConverter.ToUInt64(elf, h + 8);
            const uint NoBits = 8;
            const ulong Alloc = 2;
            if (type == NoBits || (flags & Alloc) == 0) continue;
            var start = (int)(names + BitConverter.ToUInt32(elf, h));
            var end = Array.IndexOf(elf, (byte)0, start);
            result.Add(System.Text.Encoding.ASCII.GetString(elf, start, end - start));
        }
        return result;
    }
}

/// <summary>
/// The ILC's .mstat (format 2.2 in .NET 10): a metadata-only assembly whose global methods are IL streams of records,
/// a token (ldtoken, ldstr) followed by numbers (ldc.i4). "Methods": method, code size, GC info, EH info, name;
/// "Types": type, MethodTable size, ...; "RvaFields": field, size, ...; "FrozenObjects": instance type, size, node,
/// then the owning type when there is one; "ManifestResources": assembly, name, size; "Blobs": kind, size (the rest).
/// The token's owner names the assembly.
/// </summary>
sealed class Mstat
{
    public sealed class Assembly(string name)
    {
        public string Name { get; } = name;
        public long Code { get; set; }
        public long Info { get; set; }
        public long Types { get; set; }
        public long Data { get; set; }
        // Bytes in the file. MethodTables are not in it as such: they are compressed into the DehydratedData blob and
        // rebuilt in memory at start-up, so Types (their size in memory) is shown apart.
        public long Total => Code + Info + Data;
    }

    public Dictionary<string, Assembly> Assemblies { get; } = new();
    public Dictionary<string, long> Blobs { get; } = new();
    public long BlobTotal => Blobs.Values.Sum();

    enum Op { Token, String, Number }

    public static Mstat Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var owner = new OwnerProvider(md);
        var result = new Mstat();
        var globalType = md.GetTypeDefinition(MetadataTokens.TypeDefinitionHandle(1));
        foreach (var handle in globalType.GetMethods())
        {
            var method = md.GetMethodDefinition(handle);
            var name = md.GetString(method.Name);
            if (method.RelativeVirtualAddress == 0) continue;
            var reader = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
            var il = Decode(ref reader);
            switch (name)
            {
                case "Methods":
                    foreach (var (token, n) in Records(il, Op.Token))
                    {
                        var m = result.For(owner.OfEntity(token));
                        m.Code += At(n, 0);
                        m.Info += At(n, 1) + At(n, 2);
                    }
                    break;
                case "Types":
                    foreach (var (token, n) in Records(il, Op.Token)) result.For(owner.OfEntity(token)).Types += At(n, 0);
                    break;
                case "RvaFields":
                    foreach (var (token, n) in Records(il, Op.Token)) result.For(owner.OfEntity(token)).Data += At(n, 0);
                    break;
                case "FrozenObjects":
                    // instance type, size, node, then the owning type's token (or 0 when it has none)
                    for (var i = 0; i + 3 < il.Count; i += 4)
                        result.For(il[i + 3].Op == Op.Token ? owner.OfEntity(il[i + 3].Value) : "(string literals, other frozen objects)").Data += il[i + 1].Value;
                    break;
                case "ManifestResources":
                    for (var i = 0; i + 2 < il.Count; i += 3)
                    {
                        var assembly = md.GetString(md.GetAssemblyReference(MetadataTokens.AssemblyReferenceHandle(il[i].Value & 0xFFFFFF)).Name);
                        result.For(assembly).Data += il[i + 2].Value;
                    }
                    break;
                case "Blobs":
                    foreach (var (token, n) in Records(il, Op.String))
                    {
                        var kind = md.GetUserString(MetadataTokens.UserStringHandle(token & 0xFFFFFF));
                        result.Blobs[kind] = result.Blobs.GetValueOrDefault(kind) + At(n, 0);
                    }
                    break;
            }
        }
        return result;
    }

    static long At(List<int> numbers, int index) => index < numbers.Count ? numbers[index] : 0;

    Assembly For(string name) => Assemblies.TryGetValue(name, out var a) ? a : Assemblies[name] = new Assembly(name);

    // Records that start with a token of the given kind, each with the numbers after it.
    static List<(int Token, List<int> Numbers)> Records(List<(Op Op, int Value)> il, Op start)
    {
        var records = new List<(int, List<int>)>();
        foreach (var (op, value) in il)
        {
            if (op == start) records.Add((value, new List<int>()));
            else if (op == Op.Number && records.Count > 0) records[^1].Item2.Add(value);
        }
        return records;
    }

    static List<(Op Op, int Value)> Decode(ref BlobReader il)
    {
        var result = new List<(Op, int)>();
        while (il.RemainingBytes > 0)
        {
            var op = il.ReadByte();
            switch (op)
            {
                case 0xD0: result.Add((Op.Token, il.ReadInt32())); break; // ldtoken
                case 0x72: result.Add((Op.String, il.ReadInt32())); break; // ldstr
                case 0x20: result.Add((Op.Number, il.ReadInt32())); break; // ldc.i4
                case 0x1F: result.Add((Op.Number, il.ReadSByte())); break; // ldc.i4.s
                case >= 0x15 and <= 0x1E: result.Add((Op.Number, op - 0x16)); break; // ldc.i4.m1 .. ldc.i4.8
                case 0x2A: return result; // ret
                default: throw new InvalidDataException($"mstat: unexpected IL opcode 0x{op:X2}");
            }
        }
        return result;
    }
}

/// <summary>The assembly a method or type token of the mstat belongs to (a generic instantiation: its definition's).</summary>
sealed class OwnerProvider(MetadataReader md) : ISignatureTypeProvider<string, object?>
{
    public string OfEntity(int token)
    {
        var handle = MetadataTokens.EntityHandle(token);
        return handle.Kind switch
        {
            HandleKind.MethodSpecification => OfEntity(MetadataTokens.GetToken(md.GetMethodSpecification((MethodSpecificationHandle)handle).Method)),
            HandleKind.MemberReference => OfParent(md.GetMemberReference((MemberReferenceHandle)handle).Parent),
            HandleKind.MethodDefinition => OfType(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()),
            HandleKind.TypeReference or HandleKind.TypeDefinition or HandleKind.TypeSpecification => OfType(handle),
            _ => "(other)",
        };
    }

    string OfParent(EntityHandle parent) => parent.Kind switch
    {
        HandleKind.TypeReference or HandleKind.TypeDefinition or HandleKind.TypeSpecification => OfType(parent),
        HandleKind.MethodDefinition => OfType(md.GetMethodDefinition((MethodDefinitionHandle)parent).GetDeclaringType()),
        _ => "(compiler-generated)",
    };

    string OfType(EntityHandle type) => type.Kind switch
    {
        HandleKind.TypeReference => GetTypeFromReference(md, (TypeReferenceHandle)type, 0),
        HandleKind.TypeDefinition => "(compiler-generated)",
        HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)type).DecodeSignature(this, null),
        _ => "(other)",
    };

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        var scope = reader.GetTypeReference(handle).ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.AssemblyReference => reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
            HandleKind.TypeReference => GetTypeFromReference(reader, (TypeReferenceHandle)scope, rawTypeKind),
            _ => "(compiler-generated)",
        };
    }

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => "(compiler-generated)";
    public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, context);
    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System.Private.CoreLib";
    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
    public string GetSZArrayType(string elementType) => "System.Private.CoreLib";
    public string GetArrayType(string elementType, ArrayShape shape) => "System.Private.CoreLib";
    public string GetPointerType(string elementType) => elementType;
    public string GetByReferenceType(string elementType) => elementType;
    public string GetPinnedType(string elementType) => elementType;
    public string GetFunctionPointerType(MethodSignature<string> signature) => "System.Private.CoreLib";
    public string GetGenericMethodParameter(object? genericContext, int index) => "System.Private.CoreLib";
    public string GetGenericTypeParameter(object? genericContext, int index) => "System.Private.CoreLib";
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    public string GetTypeFromSerializedName(string name) => name;
}
