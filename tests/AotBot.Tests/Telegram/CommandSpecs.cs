using AotBot.Localization;
using AotBot.Storage;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.DependencyInjection;
using FileMode = AotBot.Storage.FileMode;

namespace AotBot.Tests.Telegram;

public sealed class CommandSpecs
{
    private const long User = 4201;
    private const long Group = -1001234567;

    [Fact]
    public async Task I_can_start_the_bot_and_get_the_welcome_in_my_language_with_the_deep_link_stored()
    {
        // Arrange
        RecordingStore? store = null;
        await using var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<IBotStore>(p =>
            store = new RecordingStore(new InMemoryBotStore())));
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        var messageId = bot.Updates.NextMessageId();
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start ref_42", languageCode: "ru", messageId: messageId));
        var reply = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];

        // Assert
        Assert.Equal(User, reply.ChatId);
        Assert.Equal(texts.Text("ru", "start"), reply["text"]);
        Assert.Equal("Html", reply["parse_mode"], ignoreCase: true);
        var replyTo = reply.Json("reply_parameters");
        Assert.Equal(messageId, replyTo.GetProperty("message_id").GetInt32());
        Assert.True(replyTo.GetProperty("allow_sending_without_reply").GetBoolean());
        var touched = Assert.Single(store!.Touched);
        Assert.Equal((User, "ref_42", "ru"), (touched.UserId, touched.StartArgument, touched.LanguageCode));
    }

    [Fact]
    public async Task I_can_choose_a_language_from_the_keyboard_and_get_answers_in_it()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/lang", languageCode: "en"));
        var keyboard = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];
        bot.Api.Enqueue(bot.Updates.Callback(User, User, "lang/uk", messageId: 77));
        var answer = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1))[0];
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start", languageCode: "en"));
        var welcome = (await bot.Api.WaitForCallsAsync("sendMessage", 2))[1];

        // Assert
        Assert.Equal(texts.Text("en", "lang"), keyboard["text"]);
        Assert.Equal(texts.Languages.Select(code => "lang/" + code), keyboard.ButtonData);
        Assert.Contains("lang/ru", keyboard.ButtonData);
        Assert.Contains("lang/uk", keyboard.ButtonData);
        Assert.Equal(texts.Text("uk", "lang_changed"), answer["text"]);
        var edit = Assert.Single(bot.Api.CallsTo("editMessageText"));
        Assert.Equal("77", edit["message_id"]);
        Assert.Equal("uk", (await bot.Store.GetChatSettingsAsync(User, default)).Language);
        Assert.Equal(texts.Text("uk", "start"), welcome["text"]);
    }

    [Fact]
    public async Task I_cannot_change_a_groups_language_unless_I_am_an_admin()
    {
        // Arrange
        const long admin = 4202;
        await using var bot = await BotHarness.StartAsync();
        bot.Api.SetChatMember(Group, admin, "administrator");
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(Group, User, "/lang"));
        var refused = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];
        bot.Api.Enqueue(bot.Updates.Callback(Group, User, "lang/ru", messageId: 12));
        var refusedPress = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1))[0];
        bot.Api.Enqueue(bot.Updates.Text(Group, admin, "/lang@" + FakeBotApi.BotUsername));
        var keyboard = (await bot.Api.WaitForCallsAsync("sendMessage", 2))[1];
        bot.Api.Enqueue(bot.Updates.Callback(Group, admin, "lang/ru", messageId: 13));
        var accepted = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 2))[1];

        // Assert
        Assert.Equal(texts.Text("en", "not_admin"), refused["text"]);
        Assert.Equal(texts.Text("en", "not_admin"), refusedPress["text"]);
        Assert.NotEmpty(keyboard.ButtonData);
        Assert.Equal(texts.Text("ru", "lang_changed"), accepted["text"]);
        Assert.Equal("ru", (await bot.Store.GetChatSettingsAsync(Group, default)).Language);
        Assert.All(bot.Api.CallsTo("getChatMember"), call => Assert.Equal(Group, call.ChatId));
        Assert.All(bot.Api.CallsTo("sendMessage"), call => Assert.True(call.Flag("disable_notification")));
    }

    [Fact]
    public async Task I_can_toggle_file_mode_and_a_group_member_who_is_not_admin_cannot()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        bot.Api.SetChatMember(Group, User, "member");
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/mode"));
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/mode"));
        bot.Api.Enqueue(bot.Updates.Text(Group, User, "/mode"));
        var replies = await bot.Api.WaitForCallsAsync("sendMessage", 3);

        // Assert
        var mine = replies.Where(r => r.ChatId == User).Select(r => r["text"]).ToList();
        Assert.Equal([texts.Text("en", "file_mode_on"), texts.Text("en", "file_mode_off")], mine);
        Assert.Equal(texts.Text("en", "not_admin"), replies.Single(r => r.ChatId == Group)["text"]);
        Assert.Equal(FileMode.Media, (await bot.Store.GetChatSettingsAsync(User, default)).FileMode);
        Assert.Equal(FileMode.Media, (await bot.Store.GetChatSettingsAsync(Group, default)).FileMode);
    }

    [Fact]
    public async Task I_get_statistics_as_an_admin_and_silence_as_anyone_else()
    {
        // Arrange
        const long other = 999;
        await using var bot = await BotHarness.StartAsync(["--Telegram:AdminIds:0=" + User]);

        // Act: the other user's /stats comes before their /start in the same chat, so its silence is settled by then
        bot.Api.Enqueue(bot.Updates.Text(other, other, "/stats"));
        bot.Api.Enqueue(bot.Updates.Text(other, other, "/start"));
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/stats"));
        var replies = await bot.Api.WaitForCallsAsync("sendMessage", 3);

        // Assert
        Assert.Single(replies, r => r.ChatId == other);
        var stats = replies.Where(r => r.ChatId == User).Select(r => r["text"]!).Last();
        Assert.Matches(@"^📊 Users: [12] \([12] new today\)\nDownloads today: 0 \(video 0, slideshow 0, music 0\)", stats);
        await Task.Delay(100);
        Assert.Equal(3, bot.Api.CallsTo("sendMessage").Count);
    }

    [Fact]
    public async Task I_get_a_hint_for_a_message_without_a_link_in_private_and_silence_in_a_group()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(Group, User, "hello everyone"));
        bot.Api.Enqueue(bot.Updates.Photo(Group, User));
        bot.Api.Enqueue(bot.Updates.Photo(User, User));
        bot.Api.Enqueue(bot.Updates.Text(User, User, "look https://example.com/video/1"));
        bot.Api.Enqueue(bot.Updates.Text(User, User, "hello", languageCode: "es"));
        bot.Api.Enqueue(bot.Updates.Text(Group, User, "/start"));
        var replies = await bot.Api.WaitForCallsAsync("sendMessage", 4);

        // Assert
        Assert.Equal(
            [texts.Text("en", "send_link_prompt"), texts.Text("en", "link_error"), texts.Text("es", "send_link_prompt")],
            replies.Where(r => r.ChatId == User).Select(r => r["text"]));
        Assert.Equal([texts.Text("en", "start")], replies.Where(r => r.ChatId == Group).Select(r => r["text"]));
    }
}
