using AotBot.Http;
using AotBot.Imaging;
using AotBot.Telegram;
using AotBot.Tests.Http;
using AotBot.Tests.Imaging;

namespace AotBot.Tests.Telegram;

public sealed class MediaPreparationSpecs
{
    [Fact]
    public async Task A_converted_image_gives_its_original_back_at_once_and_a_failed_one_keeps_it_for_the_document()
    {
        // Arrange: a slideshow's originals would otherwise stay in memory until its album is sent
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);
        await using var converter = ImagingFixtures.Converter();
        var preparation = new MediaPreparation(http.Downloader, converter);
        var heic = ImagingFixtures.Bytes("quadrants.heic");
        await using var original = new PooledDownloadedFile(heic, heic.Length, "image/heic", pooled: false);
        var truncated = heic[..(heic.Length / 2)];
        await using var broken = new PooledDownloadedFile(truncated, truncated.Length, "image/heic", pooled: false);
        var failures = 0;

        // Act
        var converted = await preparation.PrepareAsync(original, ImageFormat.Heif, "a", _ => Task.FromResult(failures++), CancellationToken.None);
        var kept = await preparation.PrepareAsync(broken, ImageFormat.Heif, "b", _ => Task.FromResult(failures++), CancellationToken.None);

        // Assert
        Assert.True(converted.Converted);
        Assert.Throws<ObjectDisposedException>(() => original.OpenRead());
        Assert.True(kept.AsDocument);
        Assert.Equal(1, failures);
        await using var document = broken.OpenRead();
        Assert.Equal(truncated.Length, document.Length);
    }
}
