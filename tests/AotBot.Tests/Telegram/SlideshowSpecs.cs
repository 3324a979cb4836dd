using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Telegram;

public sealed class SlideshowSpecs : TikTokBotSpecs
{
    private const long User = 7201;
    private const long Group = -1007201;
    private FakeTikTokPost PhotoPost(string id, int count) =>
        TikTok.Add(new FakeTikTokPost(id) { Images = [.. Enumerable.Range(0, count).Select(i => FakeMedia.Jpeg(1000 + i))] });

    [Fact]
    public async Task I_get_twelve_photos_in_albums_of_ten_and_two_then_the_caption_with_the_music_button()
    {
        // Arrange
        var post = PhotoPost("7350810998023950001", 12);
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var albums = bot.Api.CallsTo("sendMediaGroup");
        Assert.Equal([10, 2], albums.Select(a => a.Media.Count));
        Assert.All(albums, a => Assert.True(a.Flag("disable_notification")));
        Assert.All(albums.SelectMany(a => a.Media), m => Assert.Equal("photo", m.GetProperty("type").GetString()));
        Assert.Equal(post.Images!, bot.Api.UploadedPhotos().Select(p => p.Bytes));
        Assert.True(albums[1].Sequence < caption.Sequence);
        Assert.Equal($"<b>via @{FakeBotApi.BotUsername}</b>\n{post.Link}", caption["text"]);
        Assert.Equal(["music_" + post.Id], caption.ButtonData);
        Assert.DoesNotContain(bot.Api.CallsTo("sendMessage"), m => m.Sequence < caption.Sequence);
        Assert.Contains(bot.Api.CallsTo("sendChatAction"), a => a["action"] == "upload_photo");
    }

    [Fact]
    public async Task I_get_a_lone_last_image_as_a_photo_since_an_album_needs_two()
    {
        // Arrange
        var post = PhotoPost("7350810998023950002", 11);
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        Assert.Equal([10], bot.Api.CallsTo("sendMediaGroup").Select(a => a.Media.Count));
        var lone = Assert.Single(bot.Api.CallsTo("sendPhoto"));
        Assert.Equal(post.Images![10], lone.File("photo")!.Bytes);
        Assert.Equal(post.Images!, bot.Api.UploadedPhotos().Select(p => p.Bytes));
    }

    [Fact]
    public async Task A_group_gets_at_most_ten_images_silently()
    {
        // Arrange
        var post = PhotoPost("7350810998023950003", 12);
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(Group, User, post.Link.ToString()));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Equal(post.Images!.Take(10), bot.Api.UploadedPhotos().Select(p => p.Bytes));
        Assert.True(album.Flag("disable_notification"));
        Assert.True(caption.Flag("disable_notification"));
        Assert.Equal(Group, caption.ChatId);
    }

    [Fact]
    public async Task I_get_the_original_images_as_documents_in_file_mode()
    {
        // Arrange
        var post = PhotoPost("7350810998023950004", 3);
        await using var bot = await StartBotAsync();
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/mode"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.All(album.Media, m => Assert.Equal("document", m.GetProperty("type").GetString()));
        Assert.Equal(post.Images!, Enumerable.Range(0, 3).Select(i => album.MediaFile(i)!.Bytes));
        Assert.Equal([$"{post.Id}_1.jpg", $"{post.Id}_2.jpg", $"{post.Id}_3.jpg"], Enumerable.Range(0, 3).Select(i => album.MediaFile(i)!.FileName));
    }

    [Fact]
    public async Task I_get_the_same_slideshow_again_by_file_id_with_no_download()
    {
        // Arrange
        var post = PhotoPost("7350810998023950005", 3);
        await using var bot = await StartBotAsync();
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));
        await bot.Api.WaitForCallAsync("getUpdates", c => long.Parse(c["offset"] ?? "0") > 0);
        var cdn = TikTok.CdnRequests;

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User + 1, User + 1, post.Link.ToString()));
        var again = (await bot.Api.WaitForCallsAsync("sendMediaGroup", 2))[1];

        // Assert
        var first = bot.Api.CallsTo("sendMediaGroup")[0];
        Assert.Empty(again.Files);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => $"photo-{first.Sequence}-{i}"),
            again.Media.Select(m => m.GetProperty("media").GetString()));
        Assert.Equal(cdn, TikTok.CdnRequests);
    }
}
