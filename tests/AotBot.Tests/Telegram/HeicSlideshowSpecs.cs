using AotBot.Localization;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Imaging;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace AotBot.Tests.Telegram;

public sealed class HeicSlideshowSpecs : TikTokBotSpecs
{
    private const long User = 7501;
    private const long Group = -1007501;
    private static readonly (string Name, int Width, int Height)[] s_fixtures =
        [("quadrants.heic", 96, 64), ("tile-red.heic", 64, 64), ("tile-green.heic", 64, 64), ("alpha.heic", 64, 64)];

    private FakeTikTokPost TwelveHeicImages(string id) =>
        TikTok.Add(new FakeTikTokPost(id) { Images = [.. Enumerable.Range(0, 12).Select(i => ImagingFixtures.Bytes(s_fixtures[i % 4].Name))] });

    private static void AssertJpegs(IReadOnlyList<UploadedFile> photos, int count)
    {
        Assert.Equal(count, photos.Count);
        for (var i = 0; i < count; i++)
        {
            using var bitmap = SKBitmap.Decode(photos[i].Bytes);
            Assert.True(bitmap is not null, $"photo {i} is not a decodable image");
            Assert.Equal((s_fixtures[i % 4].Width, s_fixtures[i % 4].Height), (bitmap.Width, bitmap.Height));
            Assert.Equal([0xFF, 0xD8, 0xFF], photos[i].Bytes.Take(3));
            Assert.EndsWith(".jpg", photos[i].FileName);
        }
    }

    [Fact]
    public async Task I_get_a_twelve_image_HEIC_slideshow_as_JPEG_photos_with_a_processing_note_in_private()
    {
        // Arrange
        var post = TwelveHeicImages("7350810998023953001");
        await using var bot = await StartBotAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString(), languageCode: "ru"));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var processing = bot.Api.CallsTo("sendMessage")[0];
        Assert.Equal(texts.Text("ru", "processing"), processing["text"]);
        var deleted = Assert.Single(bot.Api.CallsTo("deleteMessage"));
        var albums = bot.Api.CallsTo("sendMediaGroup");
        Assert.Equal([10, 2], albums.Select(a => a.Media.Count));
        Assert.True(processing.Sequence < deleted.Sequence && deleted.Sequence < albums[0].Sequence);
        AssertJpegs(bot.Api.UploadedPhotos(), 12);
        Assert.True(albums[1].Sequence < caption.Sequence);
    }

    [Fact]
    public async Task A_group_gets_ten_of_the_twelve_HEIC_images_as_JPEG_photos_without_a_processing_note()
    {
        // Arrange
        var post = TwelveHeicImages("7350810998023953002");
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(Group, User, post.Link.ToString()));
        var caption = await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        Assert.Single(bot.Api.CallsTo("sendMessage"));
        Assert.Empty(bot.Api.CallsTo("deleteMessage"));
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.True(album.Flag("disable_notification"));
        AssertJpegs(bot.Api.UploadedPhotos(), 10);
        Assert.Equal(Group, caption.ChatId);
    }

    [Fact]
    public async Task An_image_that_cannot_be_converted_goes_as_a_document_and_the_rest_as_photos()
    {
        // Arrange: a HEIC cut short after its header
        var broken = ImagingFixtures.Bytes("quadrants.heic")[..120];
        var post = TikTok.Add(new FakeTikTokPost("7350810998023953003")
        {
            Images = [ImagingFixtures.Bytes("quadrants.heic"), broken, ImagingFixtures.Bytes("tile-red.heic")],
        });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));

        // Assert
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Equal(2, album.Media.Count);
        var document = Assert.Single(bot.Api.CallsTo("sendDocument"));
        Assert.Equal(broken, document.File("document")!.Bytes);
        Assert.EndsWith("_2.heic", document.File("document")!.FileName);
    }
}
