using System.Runtime.InteropServices;

namespace AotBot.Imaging;

/// <summary>glibc's malloc, which libheif and libde265 allocate from.</summary>
internal static partial class NativeHeap
{
    /// <summary>Returns free heap pages to the system (<c>malloc_trim(0)</c>); costs about a millisecond.</summary>
    public static void Trim() => malloc_trim(0);

    // Direct-linked in the AOT binary (DirectPInvoke libc in AotBot.csproj); the JIT resolves "libc" to libc.so.6.
    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
