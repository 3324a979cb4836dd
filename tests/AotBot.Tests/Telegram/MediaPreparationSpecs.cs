using AotBot.Core;
using AotBot.Hosting;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Telegram;
using AotBot.Tests.Http;
using AotBot.Tests.Imaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AotBot.Tests.Telegram;

public sealed class MediaPreparationSpecs
{
    private static readonly MemoryBudget NoBudget = new(0, () => 0, TimeProvider.System, NullLogger<MemoryBudget>.Instance);

    [Fact]
    public async Task A_converted_image_gives_its_original_back_at_once_and_a_failed_one_keeps_it_for_the_document()
    {
        // Arrange: a slideshow's originals would otherwise stay in memory until its album is sent
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);
        await using var converter = ImagingFixtures.Converter();
        var preparation = new MediaPreparation(http.Downloader, converter, new MediaMemory(32 << 20), NoBudget, Options.Create(new ImagingOptions { Workers = 1 }), NullLogger<MediaPreparation>.Instance);
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

    [Fact]
    public async Task A_converted_image_stays_in_memory_while_the_media_memory_has_room_and_waits_in_a_temp_file_when_not()
    {
        // Arrange: room for one converted JPEG of the fixture, not two
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);
        await using var converter = ImagingFixtures.Converter();
        var heic = ImagingFixtures.Bytes("quadrants.heic");
        var jpegLength = (await converter.ConvertAsync(heic, CancellationToken.None)).Jpeg.Length;
        var memory = new MediaMemory(jpegLength + jpegLength / 2);
        var preparation = new MediaPreparation(http.Downloader, converter, memory, NoBudget, Options.Create(new ImagingOptions { Workers = 1 }), NullLogger<MediaPreparation>.Instance);
        PooledDownloadedFile Original() => new(heic, heic.Length, "image/heic", pooled: false);

        // Act
        var first = await preparation.PrepareAsync(Original(), ImageFormat.Heif, "a", _ => Task.CompletedTask, CancellationToken.None);
        var second = await preparation.PrepareAsync(Original(), ImageFormat.Heif, "b", _ => Task.CompletedTask, CancellationToken.None);
        var heldWithBoth = memory.Held;
        var spilledPath = Assert.IsType<TempDownloadedFile>(second.Output).FilePath;
        var spilledExisted = File.Exists(spilledPath);
        var firstInMemory = first.Output!.Memory is not null;
        var secondInMemory = second.Output!.Memory is not null;
        await first.DisposeAsync();
        var heldAfterFirst = memory.Held;
        var third = await preparation.PrepareAsync(Original(), ImageFormat.Heif, "c", _ => Task.CompletedTask, CancellationToken.None);
        var thirdInMemory = third.Output!.Memory is not null;
        await second.DisposeAsync();
        await third.DisposeAsync();

        // Assert: both hold the same JPEG bytes wherever they are; memory is counted back as each is freed
        Assert.True(firstInMemory);
        Assert.False(secondInMemory);
        Assert.Equal(jpegLength, second.Output.Length);
        Assert.Equal(jpegLength, heldWithBoth);
        Assert.True(spilledExisted);
        Assert.False(File.Exists(spilledPath));
        Assert.Equal(0, heldAfterFirst);
        Assert.True(thirdInMemory);
        Assert.Equal(0, memory.Held);
    }

    [Fact]
    public async Task An_original_that_waits_in_a_temp_file_is_converted_from_it()
    {
        // Arrange
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);
        await using var converter = ImagingFixtures.Converter();
        var preparation = new MediaPreparation(http.Downloader, converter, new MediaMemory(32 << 20), NoBudget, Options.Create(new ImagingOptions { Workers = 1 }), NullLogger<MediaPreparation>.Instance);
        var heic = ImagingFixtures.Bytes("quadrants.heic");
        var original = TempDownloadedFile.Write(heic, "image/heic");

        // Act
        await using var prepared = await preparation.PrepareAsync(original, ImageFormat.Heif, "a", _ => Task.CompletedTask, CancellationToken.None);

        // Assert: a JPEG of the fixture's size, and the temp original gone
        Assert.True(prepared.Converted);
        Assert.False(File.Exists(original.FilePath));
        var jpeg = prepared.Output!.Memory!.Value.ToArray();
        Assert.Equal([0xFF, 0xD8, 0xFF], jpeg[..3]);
        Assert.False(prepared.AsDocument);
    }

    [Fact]
    public async Task Over_the_memory_budget_with_no_other_conversion_running_an_image_still_converts()
    {
        // Arrange: the process is "over" a one-byte budget for good; waiting could free nothing
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);
        await using var converter = ImagingFixtures.Converter();
        var budget = new MemoryBudget(1, () => long.MaxValue, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), NullLogger<MemoryBudget>.Instance);
        var preparation = new MediaPreparation(http.Downloader, converter, new MediaMemory(32 << 20), budget, Options.Create(new ImagingOptions { Workers = 1 }), NullLogger<MediaPreparation>.Instance);
        var heic = ImagingFixtures.Bytes("quadrants.heic");

        // Act
        await using var prepared = await preparation.PrepareAsync(new PooledDownloadedFile(heic, heic.Length, "image/heic", pooled: false),
            ImageFormat.Heif, "a", _ => Task.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.True(prepared.Converted);
        Assert.False(prepared.AsDocument);
    }
}
