using System.Runtime.InteropServices;

namespace AotBot.Core;

/// <summary>Ways the process gives memory back to the system.</summary>
internal static partial class MemoryReclaim
{
    private const int MadvPageout = 21; // the same number on x86-64 and arm64 (asm-generic)

    /// <summary>
    /// A full, compacting GC that decommits the freed regions, then free pages of the C heap (libheif, libde265,
    /// SQLite) back to the system. A few milliseconds on an idle heap; it stops the world, so not under load.
    /// </summary>
    public static void CollectAndTrim()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }

    /// <summary>
    /// Asks the kernel to reclaim the resident pages of the read-only mappings of the files the bot ships (its code
    /// and read-only data, SkiaSharp, SQLite): start-up reads most of the binary once (its dehydrated data, host
    /// building, configuration binding), and those pages would otherwise stay counted in the idle bot's RSS. They are
    /// clean copies of the files, so whatever runs next faults them back in from the page cache or the disk.
    /// Returns the bytes of the mappings advised; 0 where MADV_PAGEOUT is unknown (kernels before 5.4).
    /// </summary>
    public static long PageOutShippedFiles()
    {
        var directory = AppContext.BaseDirectory;
        long advised = 0;
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/maps");
        }
        catch (IOException)
        {
            return 0;
        }
        foreach (var line in lines)
        {
            // "start-end perms offset dev inode path"
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1].Contains('w') || !fields[5].StartsWith(directory, StringComparison.Ordinal)) continue;
            var range = fields[0].Split('-');
            var start = nuint.Parse(range[0], System.Globalization.NumberStyles.HexNumber);
            var end = nuint.Parse(range[1], System.Globalization.NumberStyles.HexNumber);
            if (madvise(start, end - start, MadvPageout) != 0) return advised;
            advised += (long)(end - start);
        }
        return advised;
    }

    [LibraryImport("libc")]
    private static partial int madvise(nuint address, nuint length, int advice);
}
