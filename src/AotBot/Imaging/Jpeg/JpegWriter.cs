using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AotBot.Imaging.Jpeg;

/// <summary>
/// A baseline JPEG being written to memory: chroma 4:2:0, standard Huffman tables (not optimised: libjpeg would keep
/// every coefficient of the image to optimise them), fed in bands of rows so no full-size buffer is needed.
/// </summary>
internal sealed unsafe class JpegWriter : SafeHandleZeroOrMinusOneIsInvalid
{
    public JpegWriter() : base(ownsHandle: true)
    {
    }

    /// <summary>Starts a JPEG fed with <see cref="WriteBand"/> (raw YCbCr 4:2:0) or <see cref="WriteRows"/> (RGBX).</summary>
    public static JpegWriter Begin(int width, int height, int quality, bool rawYCbCr)
    {
        var error = stackalloc byte[JpegNative.ErrorSize];
        var jpeg = JpegNative.aotbot_jpeg_begin(width, height, quality,
            rawYCbCr ? JpegNative.InputYCbCr420 : JpegNative.InputRgbx, error, JpegNative.ErrorSize);
        if (jpeg.IsInvalid)
            throw Failure("start", error);
        return jpeg;
    }

    /// <summary>The next 16 luma rows and 8 rows of each chroma plane, padded to 16 (luma) and 8 (chroma) samples.</summary>
    public void WriteBand(byte* y, int yStride, byte* cb, byte* cr, int cStride)
    {
        var error = stackalloc byte[JpegNative.ErrorSize];
        if (JpegNative.aotbot_jpeg_write_band(this, y, yStride, cb, cr, cStride, error, JpegNative.ErrorSize) < 0)
            throw Failure("write", error);
    }

    /// <summary>The next <paramref name="count"/> rows of RGBX pixels.</summary>
    public void WriteRows(byte* rows, int stride, int count)
    {
        var error = stackalloc byte[JpegNative.ErrorSize];
        if (JpegNative.aotbot_jpeg_write_rows(this, rows, stride, count, error, JpegNative.ErrorSize) < 0)
            throw Failure("write", error);
    }

    /// <summary>Completes the file and copies it out.</summary>
    public byte[] Finish()
    {
        var error = stackalloc byte[JpegNative.ErrorSize];
        if (JpegNative.aotbot_jpeg_finish(this, out var data, out var size, error, JpegNative.ErrorSize) < 0)
            throw Failure("finish", error);
        return new ReadOnlySpan<byte>(data, checked((int)size)).ToArray();
    }

    private static ImageConversionException Failure(string what, byte* error) =>
        new($"libjpeg could not {what} the JPEG: {Marshal.PtrToStringUTF8((nint)error)}");

    protected override bool ReleaseHandle()
    {
        JpegNative.aotbot_jpeg_free(handle);
        return true;
    }
}
