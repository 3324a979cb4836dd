using System.Buffers.Binary;

namespace AotBot.Imaging.Video;

/// <summary>
/// Collects the encoder's frames as MP4 samples: each Annex B access unit split at its start codes, the parameter
/// sets kept aside for avcC (the first SPS and PPS; the encoder repeats the same ones at every IDR), the other NAL units
/// written behind 4-byte lengths. A frame the encoder skipped lengthens the previous sample instead.
/// </summary>
internal sealed class VideoTrackBuilder(int width, int height)
{
    private const int NalSps = 7;
    private const int NalPps = 8;
    private const int NalAccessUnitDelimiter = 9;

    private readonly List<VideoSample> _samples = [];
    private byte[]? _sps;
    private byte[]? _pps;

    /// <summary>Adds one frame lasting <paramref name="duration"/> (1/90000 s); null is a frame the encoder skipped.</summary>
    public void Add(EncodedFrame? frame, int duration)
    {
        if (frame is not { } f)
        {
            if (_samples.Count == 0)
                throw new VideoEncodingException("the encoder skipped the first frame");
            _samples[^1] = _samples[^1] with { Duration = _samples[^1].Duration + duration };
            return;
        }
        using var sample = new MemoryStream(f.AnnexB.Length);
        Span<byte> length = stackalloc byte[4];
        foreach (var nal in SplitAnnexB(f.AnnexB))
        {
            switch (nal.Span[0] & 0x1F)
            {
                case NalSps:
                    _sps ??= nal.ToArray();
                    continue;
                case NalPps:
                    _pps ??= nal.ToArray();
                    continue;
                case NalAccessUnitDelimiter:
                    continue;
            }
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)nal.Length);
            sample.Write(length);
            sample.Write(nal.Span);
        }
        if (sample.Length == 0)
            throw new VideoEncodingException("the encoder gave a frame without picture data");
        _samples.Add(new VideoSample(sample.ToArray(), duration, f.IsIdr));
    }

    public VideoTrack Build()
    {
        if (_samples.Count == 0 || _sps is null || _pps is null || _sps.Length < 4)
            throw new VideoEncodingException("the encoder gave no frames or no parameter sets");
        return new VideoTrack(width, height, _sps, _pps, _samples.ToList());
    }

    /// <summary>The NAL units of an Annex B stream (start codes 00 00 01 or 00 00 00 01), without their start codes.</summary>
    internal static List<ReadOnlyMemory<byte>> SplitAnnexB(ReadOnlyMemory<byte> stream)
    {
        var data = stream.Span;
        var units = new List<ReadOnlyMemory<byte>>();
        var start = -1;
        for (var i = 0; i + 2 < data.Length;)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            {
                if (start >= 0)
                    units.Add(stream[start..TrimZeros(data, start, i)]);
                i += 3;
                start = i;
            }
            else
            {
                i++;
            }
        }
        if (start >= 0 && start < data.Length)
            units.Add(stream[start..]);
        return units.Where(u => u.Length > 0).ToList();
    }

    // The zero before 00 00 01 of a 4-byte start code belongs to the start code, not to the NAL unit before it.
    private static int TrimZeros(ReadOnlySpan<byte> data, int start, int end)
    {
        while (end > start && data[end - 1] == 0)
            end--;
        return end;
    }
}
