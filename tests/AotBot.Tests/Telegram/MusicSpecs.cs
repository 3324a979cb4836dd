using AotBot.Localization;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Telegram;

public sealed class MusicSpecs : TikTokBotSpecs
{
    private const long User = 7301;
    [Fact]
    public async Task I_can_press_the_music_button_and_get_the_sound_with_its_title_performer_and_cover()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023951001")
        {
            Music = new FakeTikTokMusic { Title = "Song <1>", Author = "Singer", DurationSeconds = 42, CoverBytes = TestImages.Jpeg(700, 700) },
        });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "music_" + post.Id, messageId: 55));
        var audio = (await bot.Api.WaitForCallsAsync("sendAudio", 1))[0];
        var answer = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1))[0];

        // Assert
        Assert.Equal(post.Music!.Bytes, audio.File("audio")!.Bytes);
        Assert.Equal((320, 320), TestImages.AssertThumbnail(audio.File("thumbnail")));
        Assert.Equal(("Song <1>", "Singer", "42"), (audio["title"], audio["performer"], audio["duration"]));
        Assert.Equal($"<b>via @{FakeBotApi.BotUsername}</b>", audio["caption"]);
        Assert.Equal(55, audio.Json("reply_parameters").GetProperty("message_id").GetInt32());
        Assert.Null(answer["text"]);
        Assert.Contains(bot.Api.CallsTo("sendChatAction"), a => a["action"] == "upload_document");
    }

    [Fact]
    public async Task I_get_the_music_again_by_file_id_with_no_request_to_TikTok()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023951002"));
        await using var bot = await StartBotAsync();
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "music_" + post.Id, messageId: 56));
        var first = (await bot.Api.WaitForCallsAsync("sendAudio", 1))[0];
        await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1);
        TikTok.ResetCounters();

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(-100555, User, "music_" + post.Id, messageId: 57));
        var second = (await bot.Api.WaitForCallsAsync("sendAudio", 2))[1];

        // Assert
        Assert.Equal($"audio-{first.Sequence}", second["audio"]);
        Assert.Empty(TikTok.RequestLog);
        Assert.True(second.Flag("disable_notification"));
    }

    [Fact]
    public async Task I_get_a_message_when_the_music_cannot_be_had()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023951003") { Music = null });
        await using var bot = await StartBotAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "music_" + post.Id, messageId: 58, languageCode: "ru"));
        var answer = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1))[0];
        var message = await bot.Api.WaitForCallAsync("sendMessage", m => m.ChatId == User);

        // Assert: the press answered at once, the failure told as a message (an answer after the job would be too old)
        Assert.Equal(texts.Text("ru", "error_deleted"), message["text"]);
        Assert.Null(answer["text"]);
        Assert.Empty(bot.Api.CallsTo("sendAudio"));
    }
}
