using System.Runtime.InteropServices;

namespace AotBot.Imaging.Jpeg;

/// <summary>
/// native/jpeg/aotbot_jpeg.c over libjpeg-turbo (with its SIMD): linked into the Native AOT binary (DirectPInvoke) and
/// loaded from libaotbotjpeg.so beside the assembly in JIT builds; both come from native/build.sh.
/// </summary>
internal static unsafe partial class JpegNative
{
    private const string Library = "aotbotjpeg";

    public const int InputYCbCr420 = 0;
    public const int InputRgbx = 1;

    /// <summary>Room for libjpeg's messages (JMSG_LENGTH_MAX is 200).</summary>
    public const int ErrorSize = 256;

    [LibraryImport(Library)]
    public static partial JpegWriter aotbot_jpeg_begin(int width, int height, int quality, int input, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial int aotbot_jpeg_write_band(JpegWriter jpeg, byte* y, int yStride, byte* cb, byte* cr, int cStride, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial int aotbot_jpeg_write_rows(JpegWriter jpeg, byte* rows, int stride, int count, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial int aotbot_jpeg_finish(JpegWriter jpeg, out byte* data, out nuint size, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial void aotbot_jpeg_free(nint jpeg);
}
