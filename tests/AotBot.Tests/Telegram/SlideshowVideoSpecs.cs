using System.Text;
using AotBot.Localization;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Imaging.Video;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace AotBot.Tests.Telegram;

/// <summary>Slideshows as one video with their music: /mode video in chats, and always inline.</summary>
public sealed class SlideshowVideoSpecs : TikTokBotSpecs
{
    private const long User = 7801;
    private const long StorageChannel = -1001111111118;

    // 15.7 s of MPEG-1 Layer III frames: longer than three images at 3 s.
    private static readonly List<byte[]> s_musicFrames = FakeMusic.Frames(600, FakeMusic.Mpeg1Header, 417);

    private FakeTikTokPost Post(string id, params byte[][] images) =>
        TikTok.Add(new FakeTikTokPost(id) { Images = images, Music = new FakeTikTokMusic { Bytes = FakeMusic.Mp3(s_musicFrames) } });

    private static byte[] Photo(SKColor colour) => SlideshowComposerSpecs.Image(120, 160, colour);

    /// <summary>A JPEG of random pixels: costly to encode as video, so a small upload limit is passed.</summary>
    private static byte[] Noise(int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(200, 200);
        for (var y = 0; y < 200; y++)
        for (var x = 0; x < 200; x++)
            bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 60);
        return data.ToArray();
    }

    private static Mp4Box Trak(byte[] mp4, string handler) =>
        Mp4Box.Parse(mp4).Single(b => b.Type == "moov").Children.Where(c => c.Type == "trak")
            .Single(t => Encoding.ASCII.GetString(t.Child("mdia/hdlr").Payload.Slice(8, 4)) == handler);

    private static async Task ChooseVideoModeAsync(BotHarness bot)
    {
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/mode video"));
        var texts = bot.Host.Services.GetRequiredService<Localizer>();
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"] == texts.Text("en", "video_mode_on"));
    }

    [Fact]
    public async Task In_video_mode_I_get_one_video_of_the_slideshow_with_its_music_caption_and_music_button()
    {
        // Arrange
        var post = Post("7350810998023958001", Photo(SKColors.Red), Photo(SKColors.Green), Photo(SKColors.Blue));
        await using var bot = await StartBotAsync();
        await ChooseVideoModeAsync(bot);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var sent = await bot.Api.WaitForCallAsync("sendVideo", _ => true);

        // Assert: one message, the video, captioned like an album's caption message and with its music button
        Assert.Empty(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Empty(bot.Api.CallsTo("sendPhoto"));
        Assert.Equal($"<b>via @{FakeBotApi.BotUsername}</b>\n{post.Link}", sent["caption"]);
        Assert.Equal(["music_" + post.Id], sent.ButtonData);
        Assert.Equal(("120", "160", "9"), (sent["width"], sent["height"], sent["duration"]));
        var mp4 = sent.File("video")!.Bytes;
        var boxes = Mp4Box.Parse(mp4);
        Assert.Equal(["ftyp", "moov", "mdat"], boxes.Select(b => b.Type));
        Assert.Equal(9000u, boxes[1].Child("mvhd").U32(16));
        Assert.Equal(2, boxes[1].Children.Count(c => c.Type == "trak"));
        var video = Trak(mp4, "vide");
        Assert.Equal((120u << 16, 160u << 16), (video.Child("tkhd").U32(76), video.Child("tkhd").U32(80)));
        // The music's own frames, up to the video's end (344 × 1152 samples ≤ 9 s at 44.1 kHz).
        Assert.Equal(s_musicFrames.Take(344), Trak(mp4, "soun").Samples());
        Assert.Contains(bot.Api.CallsTo("sendChatAction"), a => a["action"] == "upload_video");
    }

    [Fact]
    public async Task In_video_mode_the_same_slideshow_goes_again_by_file_id_and_photo_mode_keeps_its_album()
    {
        // Arrange
        var post = Post("7350810998023958002", Photo(SKColors.Red), Photo(SKColors.Green));
        await using var bot = await StartBotAsync();
        await ChooseVideoModeAsync(bot);
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var first = await bot.Api.WaitForCallAsync("sendVideo", _ => true);
        await bot.Api.WaitForCallAsync("getUpdates", c => long.Parse(c["offset"] ?? "0") > first.Sequence - 10 && long.Parse(c["offset"] ?? "0") > 0);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var again = (await bot.Api.WaitForCallsAsync("sendVideo", 2))[1];
        bot.Api.Enqueue(bot.Updates.Text(User + 1, User + 1, post.Link.ToString())); // another chat, photo mode
        var album = await bot.Api.WaitForCallAsync("sendMediaGroup", _ => true);

        // Assert
        Assert.Empty(again.Files);
        Assert.Equal($"video-{first.Sequence}", again["video"]);
        Assert.Equal(2, album.Media.Count);
        Assert.All(album.Media, m => Assert.Equal("photo", m.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_video_over_the_upload_limit_falls_back_to_the_album()
    {
        // Arrange: images of 12-15 KB each; their video is larger than 40000 bytes
        var post = Post("7350810998023958003", Noise(1), Noise(2), Noise(3));
        await using var bot = await StartBotAsync("--Limits:MaxUploadBytes=40000");
        await ChooseVideoModeAsync(bot);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        Assert.Equal(post.Images!, bot.Api.UploadedPhotos().Select(p => p.Bytes));
        Assert.Equal(["music_" + post.Id], caption.ButtonData);
    }

    [Fact]
    public async Task A_corrupt_image_is_left_out_of_the_video_and_when_none_can_be_read_the_album_goes_as_today()
    {
        // Arrange
        var some = Post("7350810998023958004", Photo(SKColors.Red), FakeMedia.Jpeg(901), Photo(SKColors.Blue));
        var all = Post("7350810998023958005", FakeMedia.Jpeg(902), FakeMedia.Jpeg(903));
        await using var bot = await StartBotAsync();
        await ChooseVideoModeAsync(bot);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, some.Link.ToString()));
        var video = await bot.Api.WaitForCallAsync("sendVideo", _ => true);
        bot.Api.Enqueue(bot.Updates.Text(User, User, all.Link.ToString()));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(all.Id));

        // Assert: two images, 6 s; the unreadable slideshow as in photo mode: its original bytes in an album
        Assert.Equal("6", video["duration"]);
        Assert.Equal(6000u, Mp4Box.Parse(video.File("video")!.Bytes)[1].Child("mvhd").U32(16));
        Assert.Single(bot.Api.CallsTo("sendVideo"));
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Equal(all.Images!, Enumerable.Range(0, 2).Select(i => album.MediaFile(i)!.Bytes));
        Assert.Equal(["music_" + all.Id], caption.ButtonData);
    }

    [Fact]
    public async Task Inline_a_slideshow_answers_with_its_video_through_the_storage_channel()
    {
        // Arrange
        var post = Post("7350810998023958006", Photo(SKColors.Red), Photo(SKColors.Green));
        await using var bot = await StartBotAsync($"--Telegram:StorageChannelId={StorageChannel}");

        // Act
        bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, post.Link.ToString(), inlineMessageId: "inline-v1"));
        var edit = (await bot.Api.WaitForCallsAsync("editMessageMedia", 1))[0];

        // Assert
        var upload = Assert.Single(bot.Api.CallsTo("sendVideo"));
        Assert.Equal(StorageChannel, upload.ChatId);
        Assert.Empty(bot.Api.CallsTo("sendPhoto"));
        var mp4 = upload.File("video")!.Bytes;
        Assert.Equal(6000u, Mp4Box.Parse(mp4)[1].Child("mvhd").U32(16));
        Assert.Equal(s_musicFrames.Take(229), Trak(mp4, "soun").Samples()); // 229 × 1152 ≤ 6 s at 44.1 kHz
        var media = edit.Json("media");
        Assert.Equal("video", media.GetProperty("type").GetString());
        Assert.Equal($"video-{upload.Sequence}", media.GetProperty("media").GetString());
        Assert.Equal(6, media.GetProperty("duration").GetInt32());
    }
}
