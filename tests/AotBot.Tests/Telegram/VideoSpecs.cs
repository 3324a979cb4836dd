using AotBot.Localization;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

public sealed class VideoSpecs : TikTokBotSpecs
{
    private const long User = 7101;
    private const long Group = -1007101;
    [Fact]
    public async Task I_can_send_a_link_and_get_the_video_with_its_caption_music_button_and_reply()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949599") { VideoBytes = FakeMedia.Mp4(300_000) });
        await using var bot = await StartBotAsync();
        var messageId = bot.Updates.NextMessageId();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, $"look {post.Link}", messageId: messageId));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Assert
        Assert.Equal(User, video.ChatId);
        Assert.Equal(post.VideoBytes, video.File("video")!.Bytes);
        Assert.Equal(("576", "1024", "15"), (video["width"], video["height"], video["duration"]));
        Assert.True(video.Flag("supports_streaming"));
        Assert.Null(video["thumbnail"]);
        Assert.Equal($"<b>via @{FakeBotApi.BotUsername}</b>\n{post.Link}", video["caption"]);
        Assert.Equal("Html", video["parse_mode"], ignoreCase: true);
        Assert.Equal(["music_" + post.Id], video.ButtonData);
        var reply = video.Json("reply_parameters");
        Assert.Equal(messageId, reply.GetProperty("message_id").GetInt32());
        Assert.True(reply.GetProperty("allow_sending_without_reply").GetBoolean());
        Assert.False(video.Flag("disable_notification"));
        Assert.Contains(bot.Api.CallsTo("sendChatAction"), a => a["action"] == "upload_video" && a.ChatId == User);
    }

    [Fact]
    public async Task I_get_a_thumbnail_only_for_a_video_over_a_minute()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949600") { DurationSeconds = 61, CoverBytes = TestImages.Jpeg(576, 1024) });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];

        // Assert
        Assert.Equal((180, 320), TestImages.AssertThumbnail(video.File("thumbnail")));
        Assert.Equal("61", video["duration"]);
    }

    [Fact]
    public async Task I_get_the_same_post_again_from_Telegrams_copy_with_no_download()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949601"));
        await using var bot = await StartBotAsync();
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var first = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];
        await bot.Api.WaitForCallAsync("getUpdates", c => c.Status == 200 && long.Parse(c["offset"] ?? "0") > 0);
        var cdnAfterFirst = TikTok.CdnRequests;

        // Act
        bot.Api.Enqueue(bot.Updates.Text(-1009999, User, post.Link.ToString()));
        var second = (await bot.Api.WaitForCallsAsync("sendVideo", 2))[1];

        // Assert
        Assert.NotNull(first.File("video"));
        Assert.Equal($"video-{first.Sequence}", second["video"]);
        Assert.Empty(second.Files);
        Assert.Equal(cdnAfterFirst, TikTok.CdnRequests);
        Assert.True(second.Flag("disable_notification"));
    }

    [Fact]
    public async Task I_get_the_original_file_as_a_document_in_file_mode()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949602"));
        await using var bot = await StartBotAsync();
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/mode"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var document = (await bot.Api.WaitForCallsAsync("sendDocument", 1))[0];

        // Assert
        Assert.Equal(post.VideoBytes, document.File("document")!.Bytes);
        Assert.EndsWith(".mp4", document.File("document")!.FileName);
        Assert.True(document.Flag("disable_content_type_detection"));
        Assert.Equal(["music_" + post.Id], document.ButtonData);
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        Assert.Contains(bot.Api.CallsTo("sendChatAction"), a => a["action"] == "upload_document");
    }

    [Fact]
    public async Task I_get_the_link_instead_of_a_60_MB_video_Telegram_would_refuse()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949603") { VideoBytes = FakeMedia.Mp4(60 * 1024 * 1024) });
        await using var bot = await StartBotAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var message = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];

        // Assert
        Assert.Equal(texts.Text("en", "error_too_large", ("link", post.Link.ToString())), message["text"]);
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
    }

    [Fact]
    public async Task I_get_an_error_message_in_private_and_the_group_gets_silence()
    {
        // Arrange: an id the fake does not know is a deleted post
        var link = "https://www.tiktok.com/@someone/video/7350810998023949699";
        await using var bot = await StartBotAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        var groupUpdate = bot.Api.Enqueue(bot.Updates.Text(Group, User, link));
        bot.Api.Enqueue(bot.Updates.Text(User, User, link, languageCode: "uk"));
        var message = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];
        await bot.WaitForHandledAsync(groupUpdate);
        var logs = await bot.StopAsync();

        // Assert
        Assert.Equal(User, message.ChatId);
        Assert.Equal(texts.Text("uk", "error_deleted"), message["text"]);
        Assert.Single(bot.Api.CallsTo("sendMessage"));
        Assert.Contains($"Link in chat {Group} failed: MediaDeletedException (error_deleted)", logs);
    }

    [Fact]
    public async Task I_get_my_video_after_Telegram_says_429_mid_upload_with_the_same_bytes()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949604") { VideoBytes = FakeMedia.Mp4(100_000) });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bot = await BotHarness.StartAsync(TikTok.CommandLineArgs(withFallbackApi: false),
            services => services.AddSingleton<TimeProvider>(time));
        bot.Api.FailNext("sendVideo", BotApiFault.TooManyRequests(retryAfter: 5));

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallsAsync("sendVideo", 1);
        var waited = await BotHarness.AdvanceUntilAsync(time, () => bot.Api.CallsTo("sendVideo").Count >= 2, TimeSpan.FromSeconds(1));
        var calls = bot.Api.CallsTo("sendVideo");

        // Assert
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.All(calls, c => Assert.Equal(post.VideoBytes, c.File("video")!.Bytes));
        Assert.True(waited >= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_user_with_five_links_at_once_gets_three_videos_and_one_please_wait()
    {
        // Arrange
        var posts = Enumerable.Range(0, 5).Select(i => TikTok.Add(new FakeTikTokPost($"73508109980239497{i:00}"))).ToList();
        await using var bot = await StartBotAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, string.Join("\n", posts.Select(p => p.Link))));
        var videos = await bot.Api.WaitForCallsAsync("sendVideo", 3);
        var refusal = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];
        await Task.Delay(200);

        // Assert
        Assert.Equal(3, bot.Api.CallsTo("sendVideo").Count);
        Assert.Equal(posts.Take(3).Select(p => p.VideoBytes.Length).ToHashSet(), videos.Select(v => v.File("video")!.Bytes.Length).ToHashSet());
        Assert.Equal(texts.Text("en", "error_queue_full", ("limit", "3")), refusal["text"]);
    }

    [Fact]
    public async Task A_user_with_five_links_at_once_and_room_for_five_gets_all_five_videos()
    {
        // Arrange
        var posts = Enumerable.Range(0, 5).Select(i => TikTok.Add(new FakeTikTokPost($"73508109980239498{i:00}") { VideoBytes = FakeMedia.Mp4(5000 + i) })).ToList();
        await using var bot = await StartBotAsync("--Limits:MaxJobsPerUser=5");

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, string.Join(" ", posts.Select(p => p.Link))));
        var videos = await bot.Api.WaitForCallsAsync("sendVideo", 5);

        // Assert
        Assert.Equal(posts.Select(p => p.VideoBytes.Length).Order(), videos.Select(v => v.File("video")!.Bytes.Length).Order());
        Assert.Empty(bot.Api.CallsTo("sendMessage"));
    }
}
