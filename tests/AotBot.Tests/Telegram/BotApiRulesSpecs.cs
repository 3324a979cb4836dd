using AotBot.Localization;
using AotBot.Storage;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Imaging;
using Microsoft.Extensions.DependencyInjection;
using FileMode = AotBot.Storage.FileMode;

namespace AotBot.Tests.Telegram;

/// <summary>
/// The Bot API's rules that a lenient fake would let through and Telegram does not: the callback answered at once,
/// thumbnails Telegram keeps, migrated groups, photo limits, link previews. Each is asserted by what the fake received.
/// </summary>
public sealed class BotApiRulesSpecs : TikTokBotSpecs
{
    private const long User = 7901;

    [Fact]
    public async Task The_music_button_is_answered_within_a_second_while_the_download_is_still_held_back()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979001"));
        await using var bot = await StartBotAsync();
        TikTok.HoldMedia();

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "music_" + post.Id, messageId: 70));
        var answer = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1))[0];
        await BotHarness.WaitUntilAsync(() => TikTok.HeldMediaRequests > 0, "the music download");
        Assert.Empty(bot.Api.CallsTo("sendAudio"));
        TikTok.ReleaseMedia();
        var audio = (await bot.Api.WaitForCallsAsync("sendAudio", 1))[0];

        // Assert
        Assert.True(answer.Sequence < audio.Sequence);
        Assert.InRange(bot.Api.CallbackAnswerAge(answer)!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Null(answer["text"]);
        Assert.Contains(bot.Api.CallsTo("sendChatAction"), a => a["action"] == "upload_document");
    }

    [Fact]
    public async Task A_failing_music_download_is_told_in_a_private_chat_as_a_message()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979002") { Music = null });
        await using var bot = await StartBotAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "music_" + post.Id, messageId: 71, languageCode: "ru"));
        var message = await bot.Api.WaitForCallAsync("sendMessage", m => m.ChatId == User);

        // Assert
        Assert.Equal(texts.Text("ru", "error_deleted"), message["text"]);
        Assert.Equal(71, message.Json("reply_parameters").GetProperty("message_id").GetInt32());
        var answer = Assert.Single(bot.Api.CallsTo("answerCallbackQuery"));
        Assert.True(answer.Sequence < message.Sequence);
        Assert.Empty(bot.Api.CallsTo("sendAudio"));
    }

    [Fact]
    public async Task A_720x1280_WebP_cover_arrives_as_a_JPEG_thumbnail_within_320_pixels_keeping_its_aspect()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979003") { DurationSeconds = 61, CoverBytes = TestImages.Webp(720, 1280) });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Assert
        Assert.True(video.Succeeded);
        Assert.Equal((180, 320), TestImages.AssertThumbnail(video.File("thumbnail")));
    }

    [Fact]
    public async Task A_HEIC_cover_arrives_as_a_JPEG_thumbnail_within_320_pixels_keeping_its_aspect()
    {
        // Arrange: 9600x480, the longest aspect a photo may have
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979004") { DurationSeconds = 90, CoverBytes = ImagingFixtures.Bytes("long.heic") });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Assert
        Assert.Equal((320, 16), TestImages.AssertThumbnail(video.File("thumbnail")));
    }

    [Fact]
    public async Task A_corrupt_cover_sends_the_video_without_a_thumbnail()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979005") { DurationSeconds = 61, CoverBytes = FakeMedia.Jpeg(4096) });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Assert
        Assert.True(video.Succeeded);
        Assert.Equal(post.VideoBytes, video.File("video")!.Bytes);
        Assert.Null(video.File("thumbnail"));
        Assert.Empty(bot.Api.CallsTo("sendMessage"));
    }

    [Fact]
    public async Task The_cover_URLs_are_tried_in_order_until_one_gives_an_image()
    {
        // Arrange: the first cover URL answers 404, the second is the real cover
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979006")
        {
            DurationSeconds = 61,
            CoverBytes = TestImages.Jpeg(1080, 1920),
            EditItem = item =>
            {
                var video = item["video"]!.AsObject();
                video["originCover"] = video["cover"]!.GetValue<string>();
                video["cover"] = video["cover"]!.GetValue<string>().Replace("7350810998023979006", "7350810998023979999");
            },
        });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Assert
        Assert.Equal((180, 320), TestImages.AssertThumbnail(video.File("thumbnail")));
    }

    [Fact]
    public async Task A_group_that_became_a_supergroup_gets_the_video_at_its_new_id_and_keeps_its_mode()
    {
        // Arrange
        const long group = -7901, supergroup = -1007901;
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979007"));
        await using var bot = await StartBotAsync();
        await bot.Store.SaveChatSettingsAsync(new ChatSettings(group, "uk", FileMode.Files), CancellationToken.None);
        bot.Api.MigrateChat(group, supergroup);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(group, User, post.Link.ToString()));
        var sent = await bot.Api.WaitForCallAsync("sendDocument", c => c.Succeeded);

        // Assert
        Assert.Equal(supergroup, sent.ChatId);
        Assert.Equal(post.VideoBytes, sent.File("document")!.Bytes);
        Assert.Contains(bot.Api.CallsTo("sendDocument"), c => c.ChatId == group && c.Status == 400);
        Assert.Equal(new ChatSettings(supergroup, "uk", FileMode.Files), await bot.Store.GetChatSettingsAsync(supergroup, CancellationToken.None));
        Assert.Equal(supergroup, await bot.Store.GetChatMigrationAsync(group, CancellationToken.None));
    }

    [Fact]
    public async Task The_music_button_of_a_message_from_before_the_migration_reaches_the_supergroup()
    {
        // Arrange: Telegram's service message tells of the migration
        const long group = -7902, supergroup = -1007902;
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979008"));
        await using var bot = await StartBotAsync();
        await bot.Store.SaveChatSettingsAsync(new ChatSettings(group, "ru", FileMode.Media), CancellationToken.None);
        var service = bot.Api.Enqueue(bot.Updates.MigrateTo(group, User, supergroup));
        await bot.WaitForHandledAsync(service);
        bot.Api.MigrateChat(group, supergroup);

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(group, User, "music_" + post.Id, messageId: 72));
        var audio = (await bot.Api.WaitForCallsAsync("sendAudio", 1))[0];

        // Assert: straight to the supergroup, no 400 first
        Assert.Equal(supergroup, audio.ChatId);
        Assert.True(audio.Succeeded);
        Assert.DoesNotContain(bot.Api.Sent, c => c.ChatId == group);
        Assert.Equal("ru", (await bot.Store.GetChatSettingsAsync(supergroup, CancellationToken.None)).Language);
    }

    [Fact]
    public async Task A_200x8000_JPEG_in_a_slideshow_goes_as_a_document_while_the_others_stay_photos()
    {
        // Arrange
        byte[] narrow = TestImages.Jpeg(200, 8000);
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979009")
        {
            Images = [TestImages.Jpeg(1080, 1440), narrow, TestImages.Jpeg(1080, 1440)],
        });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.True(album.Succeeded);
        Assert.Equal(["photo", "photo"], album.Media.Select(m => m.GetProperty("type").GetString()));
        var document = Assert.Single(bot.Api.CallsTo("sendDocument"));
        Assert.Equal(narrow, document.File("document")!.Bytes);
        Assert.True(caption.Json("link_preview_options").GetProperty("is_disabled").GetBoolean());
    }

    [Fact]
    public async Task An_image_over_10000_pixels_of_sides_is_sent_downscaled_as_a_photo()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979010")
        {
            Images = [TestImages.Webp(9000, 1500), TestImages.Jpeg(1080, 1440)],
        });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var photos = bot.Api.UploadedPhotos();
        Assert.Equal(2, photos.Count);
        var size = BotApiLimits.JpegSize(photos[0].Bytes);
        Assert.NotNull(size);
        Assert.True(size.Value.Width + size.Value.Height <= 10_000, $"{size}");
        Assert.InRange(size.Value.Width / (double)size.Value.Height, 5.98, 6.02);
        Assert.EndsWith(".jpg", photos[0].FileName);
        Assert.Empty(bot.Api.CallsTo("sendDocument"));
    }

    [Fact]
    public async Task An_album_Telegram_refuses_for_its_dimensions_goes_one_by_one_the_refused_photo_as_a_document()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979011")
        {
            Images = [FakeMedia.Jpeg(1001), FakeMedia.Jpeg(1002), FakeMedia.Jpeg(1003)],
        });
        await using var bot = await StartBotAsync();
        bot.Api.FailNext("sendMediaGroup", BotApiFault.Error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS"));
        bot.Api.FailNext("sendPhoto", BotApiFault.Error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS"));

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        Assert.Equal([false, true, true], bot.Api.CallsTo("sendPhoto").Select(c => c.Succeeded));
        Assert.Equal([post.Images![1], post.Images[2]], bot.Api.UploadedPhotos().Select(p => p.Bytes));
        var document = Assert.Single(bot.Api.CallsTo("sendDocument"));
        Assert.Equal(post.Images[0], document.File("document")!.Bytes);
    }

    [Fact]
    public async Task Music_in_an_MP4_container_is_named_m4a()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023979012") { Music = new FakeTikTokMusic { Bytes = FakeMedia.Mp4(3000) } });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "music_" + post.Id, messageId: 73));
        var audio = (await bot.Api.WaitForCallsAsync("sendAudio", 1))[0];

        // Assert
        Assert.Equal(post.Id + ".m4a", audio.File("audio")!.FileName);
    }
}
