using System.Runtime.InteropServices;

namespace AotBot.Imaging.Video;

/// <summary>
/// native/video/aotbot_video.c over openh264's encoder: linked into the Native AOT binary (DirectPInvoke) and loaded
/// from libaotbotvideo.so beside the assembly in JIT builds; both come from native/build.sh.
/// </summary>
internal static unsafe partial class VideoNative
{
    private const string Library = "aotbotvideo";

    public const int ErrorSize = 256;

    /// <summary>openh264's EVideoFrameType values the caller tells apart.</summary>
    public const int FrameTypeIdr = 1;
    public const int FrameTypeSkip = 4;

    [LibraryImport(Library)]
    public static partial H264Encoder aotbot_video_create(int width, int height, float fps, int bitrate, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial int aotbot_video_encode_i420(H264Encoder video, byte* y, byte* u, byte* v, int yStride, int uvStride,
        long timestampMs, int forceIdr, out byte* data, out int size, out int frameType, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial void aotbot_video_free(nint video);
}
