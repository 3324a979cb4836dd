using System.Runtime.InteropServices;

namespace AotBot.Core;

/// <summary>glibc's malloc, which libheif and libde265 allocate from; Imaging tunes it, the idle trim gives it back.</summary>
internal static partial class NativeHeap
{
    // mallopt's M_MMAP_THRESHOLD, and the fixed value we give it.
    private const int MmapThreshold = -3;
    private const int LargeBlock = 1024 * 1024;

    /// <summary>Returns free heap pages to the system (<c>malloc_trim(0)</c>); costs about a millisecond.</summary>
    public static void Trim() => malloc_trim(0);

    /// <summary>
    /// Blocks of 1 MB and more (decoded planes) get mappings of their own, unmapped when freed. Left to itself glibc
    /// raises that threshold to 32 MB after the first large free, and then keeps up to 64 MB per thread arena at the
    /// top of the heap, which <see cref="Trim"/> cannot release: measured, 71 MB held by an idle bot after a burst.
    /// </summary>
    public static void KeepLargeBlocksOutOfTheHeap() => mallopt(MmapThreshold, LargeBlock);

    // Direct-linked in the AOT binary (DirectPInvoke libc in AotBot.csproj); the JIT resolves "libc" to libc.so.6.
    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
