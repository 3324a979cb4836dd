using System.Text.Json;
using AotBot.Core;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Telegram;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Hostile and odd input from users and from Telegram: every update gets a clear answer or silence, is confirmed (so
/// never redelivered forever), and nothing reaches a host it should not: every host a link could lead to outside
/// TikTok is overridden to the "intranet" server, so a request that should not happen is counted there, never sent out.
/// </summary>
public sealed class HostileMessageSpecs : FakeSitesSpecs
{
    private const long User = 9401;

    private static readonly string[] ForeignHosts = ["example.com", "www.tiktok.com.evil.test", "tiktok.evil.test", "evil.test"];

    private protected override IEnumerable<string> Settings => ForeignHosts.Select(host => $"--Http:HostOverrides:{host}={Site.BaseUrl}");

    private static string Json(string text) => JsonSerializer.Serialize(text, ReliabilityJson.Default.String);

    /// <summary>A private text message with the given entities (JSON array), for links Telegram marks but the text does not show.</summary>
    private static string Message(long user, string text, string entities) =>
        """{"message":{"message_id":77,"date":1700000000,"chat":CHAT,"from":FROM,"text":TEXT,"entities":ENTITIES}}"""
            .Replace("CHAT", FakeUpdates.Chat(user)).Replace("FROM", FakeUpdates.User(user, "en")).Replace("ENTITIES", entities)
            .Replace("TEXT", Json(text));

    [Fact]
    public async Task A_message_with_a_hundred_links_starts_no_more_jobs_than_the_users_limit_and_says_so_once()
    {
        // Arrange: 100 short links (3.3 KB of text), none of which leads anywhere
        var text = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"https://vm.tiktok.com/ZM{i:000000}/"));
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, text));
        await bot.WaitForHandledAsync(id);

        // Assert
        var replies = bot.Api.CallsTo("sendMessage").Select(c => c["text"]).ToList();
        Assert.Equal(3, TikTok.ShortLinkRequests);
        Assert.Equal(4, replies.Count);
        Assert.Single(replies, r => r!.StartsWith("Too many of your links", StringComparison.Ordinal));
        Assert.Equal(3, replies.Count(r => r == Text(bot, "error_deleted")));
        Assert.Empty(Site.Requests);
    }

    [Fact]
    public async Task A_4096_character_message_gets_one_answer_and_its_link_is_served()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023974001"));
        var noise = new string('x', 4096 - post.Link.ToString().Length - 1);
        await using var bot = await StartBotAsync();

        // Act
        var chatter = bot.Api.Enqueue(bot.Updates.Text(User, User, new string('я', 4096)));
        var withLink = bot.Api.Enqueue(bot.Updates.Text(User + 1, User + 1, noise + " " + post.Link));
        await bot.WaitForHandledAsync(withLink);

        // Assert
        Assert.True(chatter < withLink);
        Assert.Equal([Text(bot, "send_link_prompt")], bot.Api.CallsTo("sendMessage").Select(c => c["text"]));
        Assert.Equal(post.VideoBytes, Assert.Single(bot.Api.CallsTo("sendVideo")).File("video")!.Bytes);
    }

    [Fact]
    public async Task An_error_about_a_4000_character_link_still_reaches_the_user_within_Telegrams_limits()
    {
        // Arrange: a real post behind a link padded to almost 4096 characters, too large to send
        var post = TikTok.Add(new FakeTikTokPost("7350810998023974002"));
        var link = post.Link + "?q=" + new string('a', 4096 - 3 - post.Link.ToString().Length);
        await using var bot = await StartBotAsync("--Limits:MaxUploadBytes=1024");

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, link));
        await bot.WaitForHandledAsync(id);

        // Assert
        var reply = Assert.Single(bot.Api.CallsTo("sendMessage"));
        Assert.True(reply.Succeeded, reply.ToString()[..200]);
        Assert.StartsWith("This file is too large to send through Telegram.", reply["text"]);
        Assert.Contains(post.Link.ToString(), reply["text"]);
    }

    [Fact]
    public async Task Links_to_other_sites_and_javascript_file_and_private_address_links_get_the_link_error_and_no_request()
    {
        // Arrange: links in the text and hidden behind text_link entities
        var text = "look https://example.com/@u/video/7350810998023974003 and https://www.tiktok.com.evil.test/@u/video/7350810998023974003 "
                   + "javascript:alert(1) file:///etc/passwd http://127.0.0.1/@u/video/7350810998023974003 here";
        var hidden = $$"""
            [{"type":"text_link","offset":0,"length":4,"url":"javascript:fetch('https://www.tiktok.com/@u/video/7350810998023974003')"},
             {"type":"text_link","offset":{{text.Length - 4}},"length":4,"url":"file:///www.tiktok.com/@u/video/7350810998023974003"},
             {"type":"text_link","offset":5,"length":3,"url":"https://tiktok.evil.test/@u/video/7350810998023974003"},
             {"type":"url","offset":5000,"length":40},
             {"type":"url","offset":-3,"length":9}]
            """;
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(Message(User, text, hidden));
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal([Text(bot, "link_error")], bot.Api.CallsTo("sendMessage").Select(c => c["text"]));
        Assert.Empty(Site.Requests);
        Assert.Equal(0, TikTok.PageRequests);
    }

    [Fact]
    public async Task Callback_data_naming_a_missing_post_or_no_post_at_all_gets_an_answer_each()
    {
        // Arrange
        string[] data =
        [
            "music_7350810998023974099", // a number, but no such post
            "music_abc", "music_", "music_-1", "music_../../../etc/passwd", "music_99999999999999999999999999",
            "lang/zz", "lang/../../", "lang/", "wait", "", "\u0000\uFFFD\u202E", new string('9', 64),
        ];
        const string noMessage = """{"callback_query":{"id":"cb-inline","from":{"id":9401,"is_bot":false,"first_name":"U"},"chat_instance":"ci","inline_message_id":"im-1","data":"music_7350810998023974099"}}""";
        await using var bot = await StartBotAsync();

        // Act
        var ids = data.Select(d => bot.Api.Enqueue(bot.Updates.Callback(User, User, d, messageId: 5))).Append(bot.Api.Enqueue(noMessage)).ToList();
        await bot.WaitForHandledAsync(ids[^1]);
        await bot.Api.WaitForCallsAsync("answerCallbackQuery", data.Length + 1);
        // The music presses are answered at once; what went wrong comes as a message (a private chat).
        var deleted = await bot.Api.WaitForCallAsync("sendMessage", m => m["text"] == Text(bot, "error_deleted"));

        // Assert
        var answers = bot.Api.CallsTo("answerCallbackQuery");
        Assert.Equal(data.Length + 1, answers.Count);
        Assert.All(answers, a => Assert.True(a.Succeeded, a.ToString()));
        Assert.Null(answers.Single(a => a["callback_query_id"] == "cb1")["text"]);
        Assert.Equal(User, deleted.ChatId);
        // The missing post's page says 10204, which is believed only after each of the three User-Agents got it.
        Assert.Equal(3, TikTok.PageRequests);
        Assert.Empty(bot.Api.CallsTo("sendAudio"));
        Assert.Empty(Site.Requests);
    }

    [Fact]
    public async Task Inline_queries_and_chosen_results_with_garbage_get_an_empty_answer_or_silence()
    {
        // Arrange
        string[] queries =
        [
            "", " ", new string('@', 256), "javascript:alert(1)", "file:///etc/passwd", "https://example.com/@u/video/7350810998023974005",
            "http://127.0.0.1:1/@u/video/7350810998023974005", "https://www.tiktok.com/@u/video/abc", "\u0000\u202E\uD83D",
        ];
        await using var bot = await StartBotAsync("--Telegram:StorageChannelId=-1009999999999");

        // Act
        var ids = queries.Select(q => bot.Api.Enqueue(bot.Updates.InlineQuery(User, q))).ToList();
        ids.AddRange(queries.Select((q, i) => bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, q, inlineMessageId: i % 2 == 0 ? $"im-{i}" : null))));
        ids.Add(bot.Api.Enqueue(bot.Updates.ChosenInlineResult(User, "https://www.tiktok.com/@u/video/7350810998023974005", inlineMessageId: null, resultId: "../../x")));
        await bot.WaitForHandledAsync(ids[^1]);
        await bot.Api.WaitForCallsAsync("answerInlineQuery", queries.Length);

        // Assert
        var answers = bot.Api.CallsTo("answerInlineQuery");
        Assert.Equal(queries.Length, answers.Count);
        Assert.All(answers, a => Assert.Equal("[]", a["results"]));
        Assert.DoesNotContain(bot.Api.Sent, c => c.Method is not ("answerInlineQuery" or "sendChatAction"));
        Assert.Equal(0, TikTok.PageRequests);
        Assert.Empty(Site.Requests);
    }

    [Fact]
    public async Task Updates_of_unknown_kinds_or_with_unknown_fields_are_confirmed_and_the_next_one_answered()
    {
        // Arrange
        string[] odd =
        [
            """{"hologram_update":{"id":1,"depth":3}}""",
            "{}",
            """{"message":"not an object"}""",
            """{"message":{"message_id":1}}""",
            """{"message":{"message_id":1,"date":1700000000,"from":FROM,"text":"/start"}}""",
            """{"callback_query":{"id":"z1","chat_instance":"c","data":"music_7350810998023974007"}}""",
            """{"callback_query":{"id":"z2","from":FROM,"chat_instance":"c","message":{"message_id":1,"date":0},"data":"music_7350810998023974007"}}""",
            """{"inline_query":{"id":"z3","query":"https://www.tiktok.com/@u/video/7350810998023974007","offset":""}}""",
            """{"chosen_inline_result":{"result_id":"post","query":"https://www.tiktok.com/@u/video/7350810998023974007","inline_message_id":"im"}}""",
            """{"my_chat_member":{"date":1,"old_chat_member":{"status":"member","user":FROM},"new_chat_member":{"status":"left","user":FROM}}}""",
            """{"message":{"message_id":2,"date":1700000000,"chat":CHAT,"from":FROM,"story":{"chat":CHAT,"id":5}}}""",
            """{"message":{"message_id":3,"date":1700000000,"chat":{"id":USER,"type":"hyperchat"},"from":FROM,"text":"hi"}}""",
            """{"message":{"message_id":4,"date":"yesterday","chat":CHAT,"from":FROM,"text":"hi"}}""",
            """{"callback_query":{"id":"x","from":FROM,"chat_instance":"c","message":{"message_id":1,"date":0,"chat":CHAT},"data":"music_1","game_short_name":{"no":"string"}}}""",
            """{"inline_query":{"id":"y","from":FROM,"query":null,"offset":""}}""",
            """{"my_chat_member":{"chat":CHAT,"from":FROM,"date":1,"old_chat_member":{"status":"member","user":FROM},"new_chat_member":{"status":"emperor","user":FROM}}}""",
        ];
        var start = """{"message":{"message_id":9,"date":1700000000,"chat":CHAT,"from":FROM,"text":"/start","quantum_field":{"spin":[1,-1]},"entities":[{"type":"bot_command","offset":0,"length":6},{"type":"sparkle","offset":0,"length":2}]}}""";
        string Fill(string update) => update.Replace("CHAT", FakeUpdates.Chat(User)).Replace("FROM", FakeUpdates.User(User, "en")).Replace("USER", User.ToString());
        await using var bot = await StartBotAsync();

        // Act
        var ids = odd.Select(update => bot.Api.Enqueue(Fill(update))).ToList();
        var last = bot.Api.Enqueue(Fill(start));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"] == Text(bot, "start"));
        await bot.WaitForHandledAsync(last);

        // Assert
        Assert.True(reply.Succeeded);
        Assert.True(bot.Api.ConfirmedOffset > ids.Max());
        Assert.Equal(0, TikTok.PageRequests);
        Assert.Empty(Site.Requests);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ReliabilityJson : System.Text.Json.Serialization.JsonSerializerContext;
