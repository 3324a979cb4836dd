using AotBot.Localization;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Telegram;

public sealed class InlineSpecs : TikTokBotSpecs
{
    private const long User = 7401;
    private const long StorageChannel = -1001111111111;

    private Task<BotHarness> StartBotAsync(bool withStorageChannel) =>
        withStorageChannel ? StartBotAsync($"--Telegram:StorageChannelId={StorageChannel}") : StartBotAsync();

    [Fact]
    public async Task I_can_send_a_video_inline_through_the_storage_channel()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023952001") { DurationSeconds = 31, CoverBytes = TestImages.Jpeg(576, 1024) });
        await using var bot = await StartBotAsync(withStorageChannel: true);

        // Act
        bot.Api.Enqueue(bot.Updates.InlineQuery(User, post.Link.ToString()));
        var answer = (await bot.Api.WaitForCallsAsync("answerInlineQuery", 1))[0];
        bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, post.Link.ToString(), inlineMessageId: "inline-1"));
        var edit = (await bot.Api.WaitForCallsAsync("editMessageMedia", 1))[0];

        // Assert: one placeholder whose button makes Telegram report an inline_message_id
        var result = Assert.Single(answer.Json("results").EnumerateArray());
        Assert.Equal("⏳", result.GetProperty("reply_markup").GetProperty("inline_keyboard")[0][0].GetProperty("text").GetString());
        Assert.Contains(post.Link.ToString(), result.GetProperty("input_message_content").GetProperty("message_text").GetString());
        // ...the upload to the storage channel, captioned with who asked...
        var upload = Assert.Single(bot.Api.CallsTo("sendVideo"));
        Assert.Equal(StorageChannel, upload.ChatId);
        Assert.Equal(post.VideoBytes, upload.File("video")!.Bytes);
        Assert.Equal($"User: User {User} (@user{User}, {User})\nLink: {post.Link}", upload["caption"]);
        Assert.Equal((180, 320), TestImages.AssertThumbnail(upload.File("thumbnail")));
        // ...and the placeholder edited into the video by file_id
        Assert.Equal("inline-1", edit["inline_message_id"]);
        var media = edit.Json("media");
        Assert.Equal("video", media.GetProperty("type").GetString());
        Assert.Equal($"video-{upload.Sequence}", media.GetProperty("media").GetString());
        Assert.Equal($"<b>via @{FakeBotApi.BotUsername}</b>\n{post.Link}", media.GetProperty("caption").GetString());
    }

    [Fact]
    public async Task I_can_send_a_cached_video_inline_with_no_upload()
    {
        // Arrange: the video was sent to a chat before
        var post = TikTok.Add(new FakeTikTokPost("7350810998023952002"));
        await using var bot = await StartBotAsync(withStorageChannel: true);
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var sent = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Act
        bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, post.Link.ToString(), inlineMessageId: "inline-2"));
        var edit = (await bot.Api.WaitForCallsAsync("editMessageMedia", 1))[0];

        // Assert
        Assert.Single(bot.Api.CallsTo("sendVideo"));
        Assert.Equal($"video-{sent.Sequence}", edit.Json("media").GetProperty("media").GetString());
    }

    [Fact]
    public async Task I_can_send_a_slideshow_inline_as_its_first_image()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023952003") { Images = [FakeMedia.Jpeg(900), FakeMedia.Jpeg(901)] });
        await using var bot = await StartBotAsync(withStorageChannel: true);

        // Act
        bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, post.Link.ToString(), inlineMessageId: "inline-3"));
        var edit = (await bot.Api.WaitForCallsAsync("editMessageMedia", 1))[0];

        // Assert
        var upload = Assert.Single(bot.Api.CallsTo("sendPhoto"));
        Assert.Equal(StorageChannel, upload.ChatId);
        Assert.Equal(post.Images![0], upload.File("photo")!.Bytes);
        Assert.Equal("photo", edit.Json("media").GetProperty("type").GetString());
        Assert.Equal($"photo-{upload.Sequence}", edit.Json("media").GetProperty("media").GetString());
    }

    [Fact]
    public async Task Without_a_storage_channel_the_inline_answer_says_inline_mode_is_off()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023952004"));
        await using var bot = await StartBotAsync(withStorageChannel: false);
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.InlineQuery(User, post.Link.ToString(), languageCode: "ru"));
        var answer = (await bot.Api.WaitForCallsAsync("answerInlineQuery", 1))[0];
        var chosen = bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, post.Link.ToString(), inlineMessageId: "inline-4"));
        await bot.WaitForHandledAsync(chosen);

        // Assert
        var result = Assert.Single(answer.Json("results").EnumerateArray());
        Assert.Equal(texts.Text("ru", "inline_off_title"), result.GetProperty("title").GetString());
        Assert.Equal(texts.Text("ru", "inline_off_text", ("bot", FakeBotApi.BotUsername)),
            result.GetProperty("input_message_content").GetProperty("message_text").GetString());
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        Assert.Empty(bot.Api.CallsTo("editMessageMedia"));
        Assert.Equal(0, TikTok.PageRequests);
    }

    [Fact]
    public async Task An_inline_query_without_a_link_gets_no_results_and_a_failed_one_shows_the_error()
    {
        // Arrange
        await using var bot = await StartBotAsync(withStorageChannel: true);
        var texts = bot.Host.Services.GetRequiredService<Localizer>();
        var deleted = "https://www.tiktok.com/@x/video/7350810998023952999";

        // Act
        bot.Api.Enqueue(bot.Updates.InlineQuery(User, "cats"));
        var empty = (await bot.Api.WaitForCallsAsync("answerInlineQuery", 1))[0];
        bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, deleted, inlineMessageId: "inline-5"));
        var error = (await bot.Api.WaitForCallsAsync("editMessageText", 1))[0];

        // Assert
        Assert.Empty(empty.Json("results").EnumerateArray());
        Assert.Equal("inline-5", error["inline_message_id"]);
        Assert.Equal(texts.Text("en", "error_deleted"), error["text"]);
    }
}
