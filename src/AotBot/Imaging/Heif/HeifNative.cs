using System.Runtime.InteropServices;

namespace AotBot.Imaging.Heif;

/// <summary>
/// The few libheif C functions we call (1.19, native/versions). "heif" resolves to libheif.a linked into the Native AOT binary
/// (DirectPInvoke) and to libheif.so beside the assembly in JIT builds; both come from native/build.sh.
/// </summary>
internal static unsafe partial class HeifNative
{
    private const string Library = "heif";

    // heif_colorspace, heif_chroma, heif_channel and heif_color_profile_type values from heif.h.
    public const int ColorspaceYCbCr = 0;
    public const int ColorspaceRgb = 1;
    public const int ColorspaceMonochrome = 2;
    public const int ColorspaceUndefined = 99;
    public const int ChromaUndefined = 99;
    public const int ChannelY = 0;
    public const int ChannelCb = 1;
    public const int ChannelCr = 2;
    public const int ChannelR = 3;
    public const int ChannelG = 4;
    public const int ChannelB = 5;
    public const int ChannelAlpha = 6;
    public const uint ProfileRestrictedIcc = 'r' << 24 | 'I' << 16 | 'C' << 8 | 'C';
    public const uint ProfileIcc = 'p' << 24 | 'r' << 16 | 'o' << 8 | 'f';

    /// <summary><c>struct heif_error</c>, returned by value; <c>message</c> is never null and owned by libheif.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Error
    {
        public int Code;
        public int Subcode;
        public byte* Message;

        public readonly bool IsOk => Code == 0;

        public readonly string Describe() =>
            $"{Marshal.PtrToStringUTF8((nint)Message) ?? "unknown error"} (libheif error {Code}.{Subcode})";
    }

    /// <summary><c>struct heif_decoding_options</c> up to version 4; libheif copies the fields the version names and defaults the rest.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DecodingOptions
    {
        public byte Version;
        public byte IgnoreTransformations;
        public nint StartProgress;
        public nint OnProgress;
        public nint EndProgress;
        public nint ProgressUserData;
        public byte ConvertHdrTo8Bit;
        public byte StrictDecoding;
        public nint DecoderId;
    }

    /// <summary>The first fields of <c>struct heif_color_profile_nclx</c> (ITU-T H.273 code points).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Nclx
    {
        public byte Version;
        public int ColorPrimaries;
        public int TransferCharacteristics;
        public int MatrixCoefficients;
        public byte FullRangeFlag;
    }

    [LibraryImport(Library)]
    public static partial byte* heif_get_version();

    [LibraryImport(Library)]
    public static partial HeifContext heif_context_alloc();

    [LibraryImport(Library)]
    public static partial void heif_context_free(nint context);

    [LibraryImport(Library)]
    public static partial void heif_context_set_maximum_image_size_limit(HeifContext context, int maximumWidth);

    [LibraryImport(Library)]
    public static partial void heif_context_set_max_decoding_threads(HeifContext context, int maxThreads);

    [LibraryImport(Library)]
    public static partial Error heif_context_read_from_memory_without_copy(HeifContext context, byte* memory, nuint size, nint options);

    [LibraryImport(Library)]
    public static partial Error heif_context_get_primary_image_handle(HeifContext context, out HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial void heif_image_handle_release(nint handle);

    [LibraryImport(Library)]
    public static partial int heif_image_handle_get_width(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial int heif_image_handle_get_height(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial int heif_image_handle_get_ispe_width(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial int heif_image_handle_get_ispe_height(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial int heif_image_handle_has_alpha_channel(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial int heif_image_handle_is_premultiplied_alpha(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial uint heif_image_handle_get_color_profile_type(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial nuint heif_image_handle_get_raw_color_profile_size(HeifImageHandle handle);

    [LibraryImport(Library)]
    public static partial Error heif_image_handle_get_raw_color_profile(HeifImageHandle handle, byte* data);

    [LibraryImport(Library)]
    public static partial Error heif_image_handle_get_nclx_color_profile(HeifImageHandle handle, out Nclx* nclx);

    [LibraryImport(Library)]
    public static partial void heif_nclx_color_profile_free(Nclx* nclx);

    [LibraryImport(Library)]
    public static partial Error heif_decode_image(HeifImageHandle handle, out HeifImage image, int colorspace, int chroma, DecodingOptions* options);

    [LibraryImport(Library)]
    public static partial void heif_image_release(nint image);

    [LibraryImport(Library)]
    public static partial int heif_image_get_colorspace(HeifImage image);

    [LibraryImport(Library)]
    public static partial int heif_image_has_channel(HeifImage image, int channel);

    [LibraryImport(Library)]
    public static partial Error heif_image_get_nclx_color_profile(HeifImage image, out Nclx* nclx);

    [LibraryImport(Library)]
    public static partial int heif_image_get_width(HeifImage image, int channel);

    [LibraryImport(Library)]
    public static partial int heif_image_get_height(HeifImage image, int channel);

    [LibraryImport(Library)]
    public static partial int heif_image_get_bits_per_pixel_range(HeifImage image, int channel);

    [LibraryImport(Library)]
    public static partial byte* heif_image_get_plane_readonly(HeifImage image, int channel, out int stride);
}
