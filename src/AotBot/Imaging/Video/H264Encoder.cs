using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AotBot.Imaging.Video;

/// <summary>One frame's bitstream as openh264 wrote it (Annex B), and whether it starts a new image.</summary>
internal readonly record struct EncodedFrame(byte[] AnnexB, bool IsIdr);

/// <summary>
/// An openh264 encoder for one video: I420 frames in, H.264 (Constrained Baseline, CAVLC) out. One thread; every
/// frame fed gives a frame out unless the encoder itself reports a skip (then <see cref="Encode"/> returns null and the
/// previous frame lasts longer).
/// </summary>
internal sealed unsafe class H264Encoder : SafeHandleZeroOrMinusOneIsInvalid
{
    public H264Encoder() : base(ownsHandle: true)
    {
    }

    public static H264Encoder Create(int width, int height, float framesPerSecond, int bitsPerSecond)
    {
        var error = stackalloc byte[VideoNative.ErrorSize];
        var encoder = VideoNative.aotbot_video_create(width, height, framesPerSecond, bitsPerSecond, error, VideoNative.ErrorSize);
        if (encoder.IsInvalid)
            throw new VideoEncodingException($"openh264 could not start a {width}x{height} encoder: {Marshal.PtrToStringUTF8((nint)error)}");
        return encoder;
    }

    public EncodedFrame? Encode(I420Frame frame, long timestampMs, bool forceIdr)
    {
        var error = stackalloc byte[VideoNative.ErrorSize];
        fixed (byte* y = frame.Y)
        fixed (byte* u = frame.U)
        fixed (byte* v = frame.V)
        {
            if (VideoNative.aotbot_video_encode_i420(this, y, u, v, frame.Width, frame.Width / 2, timestampMs, forceIdr ? 1 : 0,
                    out var data, out var size, out var frameType, error, VideoNative.ErrorSize) < 0)
                throw new VideoEncodingException($"openh264 could not encode a frame: {Marshal.PtrToStringUTF8((nint)error)}");
            if (size == 0 || frameType == VideoNative.FrameTypeSkip)
                return null;
            return new EncodedFrame(new ReadOnlySpan<byte>(data, size).ToArray(), frameType == VideoNative.FrameTypeIdr);
        }
    }

    protected override bool ReleaseHandle()
    {
        VideoNative.aotbot_video_free(handle);
        return true;
    }
}

/// <summary>The encoder failed; the caller falls back to the album.</summary>
internal sealed class VideoEncodingException(string message) : Exception(message);
