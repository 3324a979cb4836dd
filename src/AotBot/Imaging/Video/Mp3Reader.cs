using System.Buffers.Binary;

namespace AotBot.Imaging.Video;

/// <summary>
/// Finds the MPEG audio frames of an MP3 file (ISO/IEC 11172-3, 13818-3 and the unofficial MPEG-2.5) so they can be
/// copied into an MP4 as they are: an ID3v2 tag at the start is skipped, a Xing/Info/VBRI header frame (metadata, no
/// music) is left out, and reading stops at the first bytes that are not a frame of the same stream (an ID3v1 tag,
/// garbage, or a frame whose version, layer, sample rate or channel count differ).
/// </summary>
internal static class Mp3Reader
{
    private static readonly int[] s_rates = [44100, 48000, 32000];

    // Bitrates in kbit/s by [version is MPEG-1 ? 0 : 1][layer - 1][index].
    private static readonly int[][][] s_bitrates =
    [
        [
            [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
            [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
            [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        ],
        [
            [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
            [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
            [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        ],
    ];

    /// <summary>One frame header's meaning; Version is the header's two bits (3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5).</summary>
    internal readonly record struct FrameHeader(int Version, int Layer, int SampleRate, int Channels, int Size, int SamplesPerFrame)
    {
        public bool IsMpeg1 => Version == 3;
    }

    public static AudioTrack? TryRead(ReadOnlyMemory<byte> file)
    {
        var data = file.Span;
        var position = SkipId3v2(data);
        FrameHeader? first = null;
        var samples = new List<AudioSample>();
        while (position + 4 <= data.Length)
        {
            if (!TryParseHeader(data[position..], out var header) || position + header.Size > data.Length)
                break;
            if (first is { } f && (f.Version != header.Version || f.Layer != header.Layer || f.SampleRate != header.SampleRate
                    || f.Channels != header.Channels))
                break;
            if (first is null)
            {
                first = header;
                if (IsInfoFrame(data.Slice(position, header.Size), header))
                {
                    position += header.Size;
                    continue;
                }
            }
            samples.Add(new AudioSample(position, header.Size, header.SamplesPerFrame));
            position += header.Size;
        }
        if (first is not { } h || samples.Count == 0)
            return null;
        return new AudioTrack(h.IsMpeg1 ? AudioTrack.Mpeg1Audio : AudioTrack.Mpeg2Audio, h.SampleRate, h.Channels, h.SampleRate,
            [], file, samples);
    }

    private static int SkipId3v2(ReadOnlySpan<byte> data)
    {
        var position = 0;
        // Some files carry more than one tag.
        while (data.Length >= position + 10 && data[position] == 'I' && data[position + 1] == 'D' && data[position + 2] == '3')
        {
            var size = (data[position + 6] & 0x7F) << 21 | (data[position + 7] & 0x7F) << 14 | (data[position + 8] & 0x7F) << 7
                | (data[position + 9] & 0x7F);
            var footer = (data[position + 5] & 0x10) != 0 ? 10 : 0;
            position += 10 + size + footer;
        }
        return Math.Min(position, data.Length);
    }

    internal static bool TryParseHeader(ReadOnlySpan<byte> data, out FrameHeader header)
    {
        header = default;
        if (data.Length < 4)
            return false;
        var word = BinaryPrimitives.ReadUInt32BigEndian(data);
        if ((word & 0xFFE0_0000) != 0xFFE0_0000)
            return false;
        var version = (int)(word >> 19) & 3; // 0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1
        var layerBits = (int)(word >> 17) & 3;
        var bitrateIndex = (int)(word >> 12) & 15;
        var rateIndex = (int)(word >> 10) & 3;
        var padding = (int)(word >> 9) & 1;
        var channelMode = (int)(word >> 6) & 3;
        if (version == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3)
            return false; // reserved values; free-format streams (index 0) are not supported
        var layer = 4 - layerBits;
        var sampleRate = s_rates[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        var bitrate = s_bitrates[version == 3 ? 0 : 1][layer - 1][bitrateIndex] * 1000;
        int size, samplesPerFrame;
        if (layer == 1)
        {
            size = (12 * bitrate / sampleRate + padding) * 4;
            samplesPerFrame = 384;
        }
        else if (layer == 3 && version != 3)
        {
            size = 72 * bitrate / sampleRate + padding;
            samplesPerFrame = 576;
        }
        else
        {
            size = 144 * bitrate / sampleRate + padding;
            samplesPerFrame = 1152;
        }
        header = new FrameHeader(version, layer, sampleRate, channelMode == 3 ? 1 : 2, size, samplesPerFrame);
        return size > 4;
    }

    private static bool IsInfoFrame(ReadOnlySpan<byte> frame, FrameHeader header)
    {
        if (header.Layer != 3)
            return false;
        // The Xing/Info tag follows the side information, whose length depends on version and channels.
        var sideInfo = header.IsMpeg1 ? (header.Channels == 1 ? 17 : 32) : (header.Channels == 1 ? 9 : 17);
        var xing = 4 + sideInfo;
        if (frame.Length >= xing + 4 && (frame.Slice(xing, 4).SequenceEqual("Xing"u8) || frame.Slice(xing, 4).SequenceEqual("Info"u8)))
            return true;
        // VBRI (Fraunhofer) sits at a fixed place.
        return frame.Length >= 36 + 4 && frame.Slice(36, 4).SequenceEqual("VBRI"u8);
    }
}
