using AotBot.Imaging.Video;

namespace AotBot.Tests.Imaging.Video;

/// <summary>The MP4 writer, read back box by box with an independent parser (<see cref="Mp4Box"/>).</summary>
public sealed class Mp4MuxerSpecs
{
    private static readonly byte[] Sps = [0x67, 0x42, 0xC0, 0x28, 0x8C, 0x8D, 0x40, 0x3C, 0x01, 0x13, 0xF2, 0xCA];
    private static readonly byte[] Pps = [0x68, 0xCE, 0x3C, 0x80];

    /// <summary>Three images of 2 s, each an IDR frame and three half-second repeats (sizes differ so offsets matter).</summary>
    private static VideoTrack Video(int images = 3)
    {
        var samples = new List<VideoSample>();
        for (var image = 0; image < images; image++)
        {
            for (var frame = 0; frame < 4; frame++)
            {
                var data = new byte[frame == 0 ? 3000 + image : 20 + frame];
                data[3] = (byte)(data.Length - 4);
                data[4] = (byte)(frame == 0 ? 0x65 : 0x41);
                data[^1] = (byte)(image * 10 + frame);
                samples.Add(new VideoSample(data, 45_000, frame == 0));
            }
        }
        return new VideoTrack(1080, 1440, Sps, Pps, samples);
    }

    private static byte[] Write(VideoTrack video, AudioTrack? audio)
    {
        using var output = new MemoryStream();
        Mp4Muxer.Write(output, video, audio);
        return output.ToArray();
    }

    private static Mp4Box Trak(List<Mp4Box> boxes, string handler) =>
        boxes.Single(b => b.Type == "moov").Children.Where(c => c.Type == "trak")
            .Single(t => System.Text.Encoding.ASCII.GetString(t.Child("mdia/hdlr").Payload.Slice(8, 4)) == handler);

    [Fact]
    public void Moov_comes_before_mdat_and_every_chunk_offset_points_into_mdat()
    {
        var music = AudioTrack.TryRead(FakeMusic.Mp3(300))!;
        var file = Write(Video(), music.CutAt(6));

        var boxes = Mp4Box.Parse(file);

        Assert.Equal(["ftyp", "moov", "mdat"], boxes.Select(b => b.Type));
        Assert.Equal("isom", System.Text.Encoding.ASCII.GetString(boxes[0].Payload[..4]));
        var mdat = boxes[2];
        Assert.Equal(file.Length, mdat.End);
        foreach (var trak in boxes[1].Children.Where(c => c.Type == "trak"))
        {
            foreach (var offset in trak.Child("mdia/minf/stbl/stco").ChunkOffsets())
                Assert.InRange((int)offset, mdat.PayloadStart, mdat.End - 1);
        }
        // One-second interleaving: chunks of the two tracks alternate through mdat.
        var videoChunks = Trak(boxes, "vide").Child("mdia/minf/stbl/stco").ChunkOffsets();
        var audioChunks = Trak(boxes, "soun").Child("mdia/minf/stbl/stco").ChunkOffsets();
        Assert.Equal(6, videoChunks.Count);
        Assert.Equal(6, audioChunks.Count);
        Assert.True(videoChunks[1] > audioChunks[0] && audioChunks[1] > videoChunks[1]);
    }

    [Fact]
    public void The_video_track_states_size_durations_sync_frames_and_the_parameter_sets_and_holds_the_samples_unchanged()
    {
        var video = Video();

        var boxes = Mp4Box.Parse(Write(video, null));

        var mvhd = boxes[1].Child("mvhd");
        Assert.Equal(1000u, mvhd.U32(12));
        Assert.Equal(6000u, mvhd.U32(16)); // 6 s in ms
        Assert.Single(boxes[1].Children, c => c.Type == "trak");
        var trak = Trak(boxes, "vide");
        var tkhd = trak.Child("tkhd");
        Assert.Equal(1080u << 16, tkhd.U32(76));
        Assert.Equal(1440u << 16, tkhd.U32(80));
        Assert.Equal(6000u, tkhd.U32(20));
        var mdhd = trak.Child("mdia/mdhd");
        Assert.Equal(90_000u, mdhd.U32(12));
        Assert.Equal(540_000u, mdhd.U32(16));
        var stbl = trak.Child("mdia/minf/stbl");
        Assert.Equal([(12u, 45_000u)], stbl.Child("stts").TimeToSample());
        var stss = stbl.Child("stss");
        Assert.Equal([1u, 5u, 9u], Enumerable.Range(0, (int)stss.U32(4)).Select(i => stss.U32(8 + i * 4)));
        Assert.Equal(video.Samples.Select(s => s.Data), trak.Samples());

        // stsd → avc1 (78 bytes of sample entry) → avcC
        var stsd = stbl.Child("stsd");
        Assert.Equal(1u, stsd.U32(4));
        var entry = stsd.Payload[8..];
        Assert.Equal("avc1"u8.ToArray(), entry.Slice(4, 4).ToArray());
        Assert.Equal(1080, entry[32] << 8 | entry[33]);
        Assert.Equal(1440, entry[34] << 8 | entry[35]);
        var avcC = entry[86..];
        Assert.Equal("avcC"u8.ToArray(), avcC.Slice(4, 4).ToArray());
        var config = avcC[8..];
        Assert.Equal(1, config[0]);
        Assert.Equal(Sps[1], config[1]); // profile (Baseline), compatibility and level, from the SPS
        Assert.Equal(Sps[2], config[2]);
        Assert.Equal(Sps[3], config[3]);
        Assert.Equal(0xFF, config[4]); // 4-byte lengths
        Assert.Equal(0xE1, config[5]); // one SPS
        Assert.Equal(Sps.Length, config[6] << 8 | config[7]);
        Assert.Equal(Sps, config.Slice(8, Sps.Length).ToArray());
        var afterSps = config[(8 + Sps.Length)..];
        Assert.Equal(1, afterSps[0]);
        Assert.Equal(Pps.Length, afterSps[1] << 8 | afterSps[2]);
        Assert.Equal(Pps, afterSps.Slice(3, Pps.Length).ToArray());
    }

    [Fact]
    public void Mp3_music_is_copied_frame_by_frame_as_mpeg1_audio_without_its_tags_and_info_frame()
    {
        var frames = FakeMusic.Frames(300, FakeMusic.Mpeg1Header, 417);
        var music = AudioTrack.TryRead(FakeMusic.Mp3(frames, xing: true))!;

        var boxes = Mp4Box.Parse(Write(Video(), music.CutAt(6)));

        var trak = Trak(boxes, "soun");
        var mdhd = trak.Child("mdia/mdhd");
        Assert.Equal(44_100u, mdhd.U32(12));
        // The frames that end by 6 s: 229 of 1152 samples (229 × 1152 ≤ 264600 < 230 × 1152).
        Assert.Equal(229u * 1152, mdhd.U32(16));
        var stbl = trak.Child("mdia/minf/stbl");
        Assert.Equal([(229u, 1152u)], stbl.Child("stts").TimeToSample());
        Assert.Equal(frames.Take(229), trak.Samples());
        var (objectType, decoderInfo, channels, rate) = Esds(stbl);
        Assert.Equal(0x6B, objectType);
        Assert.Empty(decoderInfo);
        Assert.Equal(2, channels);
        Assert.Equal(44_100, rate);
    }

    [Fact]
    public void Mpeg2_mp3_music_is_stated_as_mpeg2_audio_with_576_sample_frames()
    {
        var frames = FakeMusic.Frames(50, FakeMusic.Mpeg2Header, 208);
        var music = AudioTrack.TryRead(FakeMusic.Mp3(frames))!;

        var boxes = Mp4Box.Parse(Write(Video(1), music));

        var trak = Trak(boxes, "soun");
        Assert.Equal(22_050u, trak.Child("mdia/mdhd").U32(12));
        Assert.Equal([(50u, 576u)], trak.Child("mdia/minf/stbl/stts").TimeToSample());
        var (objectType, _, channels, rate) = Esds(trak.Child("mdia/minf/stbl"));
        Assert.Equal(0x69, objectType);
        Assert.Equal(1, channels);
        Assert.Equal(22_050, rate);
        Assert.Equal(frames, trak.Samples());
    }

    [Fact]
    public void Aac_music_from_an_mp4_keeps_its_decoder_config_and_samples()
    {
        // An M4A-like source: AAC LC, 44.1 kHz stereo (AudioSpecificConfig 12 10), written by the muxer itself with a
        // placeholder video, then read back as a music file.
        var source = new byte[5000];
        new Random(7).NextBytes(source);
        var aacSamples = Enumerable.Range(0, 100).Select(i => new AudioSample(i * 40, 30 + i % 10, 1024)).ToList();
        var aac = new AudioTrack(AudioTrack.Aac, 44_100, 2, 44_100, [0x12, 0x10], source, aacSamples);
        var m4a = Write(Video(1), aac);

        var music = AudioTrack.TryRead(m4a);

        Assert.NotNull(music);
        Assert.Equal(AudioTrack.Aac, music.ObjectType);
        Assert.Equal([0x12, 0x10], music.DecoderSpecificInfo);
        Assert.Equal(44_100, music.Timescale);
        Assert.Equal(100, music.Samples.Count);
        Assert.Equal(aacSamples.Select(s => source.AsSpan((int)s.Offset, s.Size).ToArray()),
            Enumerable.Range(0, 100).Select(i => music.SampleBytes(i).ToArray()));

        var boxes = Mp4Box.Parse(Write(Video(), music.CutAt(1)));
        var stbl = Trak(boxes, "soun").Child("mdia/minf/stbl");
        var (objectType, decoderInfo, channels, rate) = Esds(stbl);
        Assert.Equal(0x40, objectType);
        Assert.Equal([0x12, 0x10], decoderInfo);
        Assert.Equal(2, channels);
        Assert.Equal(44_100, rate);
        Assert.Equal([(43u, 1024u)], stbl.Child("stts").TimeToSample()); // frames ending by 1 s: 43 × 1024 ≤ 44100
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Music_that_is_no_audio_file_gives_no_track_rather_than_an_error(int kind)
    {
        var valid = Write(Video(1), AudioTrack.TryRead(FakeMusic.Mp3(20)));
        byte[] input = kind switch
        {
            0 => [.. "<html>not music</html>"u8],
            1 => valid[..(valid.Length / 3)], // an MP4 cut inside its moov
            _ => [.. valid[..8], .. "moov"u8, .. new byte[40]], // boxes claiming more than there is
        };
        if (kind == 2)
            input[11] = 0xFF;

        Assert.Null(AudioTrack.TryRead(input));
    }

    [Fact]
    public void An_mp3_whose_stream_changes_format_ends_at_the_change()
    {
        var frames = FakeMusic.Frames(10, FakeMusic.Mpeg1Header, 417).Concat(FakeMusic.Frames(5, FakeMusic.Mpeg2Header, 208));

        var music = AudioTrack.TryRead(FakeMusic.Mp3(frames));

        Assert.Equal(10, music!.Samples.Count);
    }

    /// <summary>The mp4a entry's channel count and rate, and its esds' object type and decoder-specific info.</summary>
    private static (int ObjectType, byte[] DecoderInfo, int Channels, int Rate) Esds(Mp4Box stbl)
    {
        var entry = stbl.Child("stsd").Payload[8..];
        Assert.Equal("mp4a"u8.ToArray(), entry.Slice(4, 4).ToArray());
        var channels = entry[24] << 8 | entry[25];
        var rate = entry[32] << 8 | entry[33];
        var esds = entry[36..];
        Assert.Equal("esds"u8.ToArray(), esds.Slice(4, 4).ToArray());
        var descriptors = esds[12..].ToArray(); // after size, type, version/flags
        var position = 0;
        Assert.Equal(0x03, Tag(descriptors, ref position, out _));
        position += 3; // ES_ID, flags
        Assert.Equal(0x04, Tag(descriptors, ref position, out _));
        var objectType = descriptors[position];
        Assert.Equal(0x15, descriptors[position + 1]); // audio stream
        position += 13;
        byte[] info = [];
        if (descriptors[position] == 0x05)
        {
            Tag(descriptors, ref position, out var length);
            info = descriptors.AsSpan(position, length).ToArray();
            position += length;
        }
        Assert.Equal(0x06, Tag(descriptors, ref position, out _));
        return (objectType, info, channels, rate);
    }

    private static int Tag(byte[] data, ref int position, out int length)
    {
        var tag = data[position++];
        length = 0;
        byte b;
        do
        {
            b = data[position++];
            length = length << 7 | (b & 0x7F);
        } while ((b & 0x80) != 0);
        return tag;
    }
}
