using AotBot.Testing.FakeBotApi;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace AotBot.Tests.Telegram;

/// <summary>The fake Bot API refuses what Telegram would drop or refuse, so the bot's specs cannot pass on it.</summary>
public sealed class FakeBotApiRulesSpecs : IAsyncLifetime
{
    private FakeBotApi _api = null!;
    private HttpClient _http = null!;
    private TelegramBotClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _http = new HttpClient();
        _client = new TelegramBotClient(new TelegramBotClientOptions(_api.Token, _api.BaseUrl.ToString()) { RetryThreshold = 0 }, _http);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Theory]
    [InlineData(640, 360, false)]
    [InlineData(320, 180, true)]
    public async Task A_thumbnail_over_320_pixels_is_refused(int width, int height, bool accepted)
    {
        // Arrange
        using var video = new MemoryStream(new byte[64]);
        using var thumbnail = new MemoryStream(TestImages.Jpeg(width, height));

        // Act
        var error = await Record.ExceptionAsync(() => _client.SendVideo(42, InputFile.FromStream(video, "v.mp4"),
            thumbnail: InputFile.FromStream(thumbnail, "t.jpg")));

        // Assert
        Assert.Equal(accepted, error is null);
        if (!accepted) Assert.Contains($"{width}x{height}", Assert.IsType<ApiRequestException>(error).Message);
    }

    [Theory]
    [InlineData(200, 8000, "PHOTO_INVALID_DIMENSIONS")] // ratio 40
    [InlineData(9500, 600, "PHOTO_INVALID_DIMENSIONS")] // sides 10,100
    [InlineData(300, 6000, null)] // ratio 20 exactly
    [InlineData(4000, 3000, null)]
    public async Task A_photo_beyond_Telegrams_photo_rules_is_refused_alone_and_in_an_album(int width, int height, string? refused)
    {
        // Arrange
        var image = TestImages.Jpeg(width, height);
        using var alone = new MemoryStream(image);
        using var first = new MemoryStream(TestImages.Jpeg(100, 100));
        using var second = new MemoryStream(image);

        // Act
        var photo = await Record.ExceptionAsync(() => _client.SendPhoto(42, InputFile.FromStream(alone, "p.jpg")));
        var album = await Record.ExceptionAsync(() => _client.SendMediaGroup(42,
            [new InputMediaPhoto(InputFile.FromStream(first, "1.jpg")), new InputMediaPhoto(InputFile.FromStream(second, "2.jpg"))]));

        // Assert
        foreach (var error in new[] { photo, album })
        {
            if (refused is null) Assert.Null(error);
            else Assert.Contains(refused, Assert.IsType<ApiRequestException>(error).Message);
        }
    }

    [Fact]
    public async Task A_photo_over_10_MB_is_refused_and_the_same_bytes_go_as_a_document()
    {
        // Arrange
        var bytes = new byte[BotApiLimits.MaxPhotoBytes + 1];
        using var photo = new MemoryStream(bytes);
        using var document = new MemoryStream(bytes);

        // Act
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => _client.SendPhoto(42, InputFile.FromStream(photo, "p.jpg")));
        var sent = await _client.SendDocument(42, InputFile.FromStream(document, "p.jpg"));

        // Assert
        Assert.Contains("PHOTO_SAVE_FILE_INVALID", error.Message);
        Assert.NotNull(sent.Document);
    }

    [Fact]
    public async Task A_PNG_thumbnail_is_refused()
    {
        // Arrange
        using var audio = new MemoryStream(new byte[64]);
        using var thumbnail = new MemoryStream(TestImages.Encode(100, 100, SkiaSharp.SKEncodedImageFormat.Png));

        // Act
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => _client.SendAudio(42, InputFile.FromStream(audio, "a.mp3"),
            thumbnail: InputFile.FromStream(thumbnail, "t.png")));

        // Assert
        Assert.Contains("not a baseline JPEG", error.Message);
    }

    [Fact]
    public async Task A_callback_query_answered_too_late_is_refused_as_too_old()
    {
        // Arrange
        _api.MaxCallbackAnswerAge = TimeSpan.FromMilliseconds(200);
        _api.Enqueue(_api.Updates.Callback(42, 42, "x", messageId: 1));
        var updates = await _client.GetUpdates();
        await Task.Delay(400);

        // Act
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => _client.AnswerCallbackQuery(updates[0].CallbackQuery!.Id));

        // Assert
        Assert.Contains("query is too old", error.Message);
        Assert.True(_api.CallbackAnswerAge(_api.CallsTo("answerCallbackQuery")[0]) >= TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task A_migrated_group_answers_every_call_with_its_new_id()
    {
        // Arrange
        _api.MigrateChat(-5, -1000005);

        // Act
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => _client.SendMessage(-5, "hi"));
        var atNewId = await _client.SendMessage(-1000005, "hi");

        // Assert
        Assert.Equal((400, -1000005L), (error.ErrorCode, error.Parameters?.MigrateToChatId));
        Assert.Equal(-1000005, atNewId.Chat.Id);
    }

    [Fact]
    public async Task With_flood_limits_on_a_sixth_quick_message_to_one_chat_gets_429_and_other_chats_are_not_held_back()
    {
        // Arrange
        _api.EnforceRateLimits = true;

        // Act: six messages to one private chat at once, then one to another chat
        var errors = new List<Exception?>();
        for (var i = 0; i < 6; i++) errors.Add(await Record.ExceptionAsync(() => _client.SendMessage(77, $"m{i}")));
        var other = await Record.ExceptionAsync(() => _client.SendMessage(78, "hi"));

        // Assert: the burst of four passes, then Telegram's answer with retry_after
        Assert.All(errors.Take(4), Assert.Null);
        var flood = Assert.IsType<ApiRequestException>(errors[4]);
        Assert.Equal(429, flood.ErrorCode);
        Assert.Equal(1, flood.Parameters?.RetryAfter);
        Assert.Null(other);
        Assert.Equal(2, _api.Rates.TooManyRequests);
        Assert.Equal(4, _api.Rates.MostPerSecondByChat()[77]);
    }
}
