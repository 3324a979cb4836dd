using AotBot.Http;
using AotBot.Sources.TikTok;
using AotBot.Sources;

namespace AotBot.Tests.Sources.TikTok;

/// <summary>Saved TikTok pages and API answers (Fixtures/TikTok/), mapped the way the source maps them.</summary>
internal static class TikTokFixtures
{
    public static readonly TikTokPostId VideoId = TikTokPostId.Parse(TestData.TikTokLinks.VideoId);
    public static readonly TikTokPostId PhotoId = TikTokPostId.Parse(TestData.TikTokLinks.PhotoId);
    public static readonly TimeSpan NoLimit = TimeSpan.FromHours(10);

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "TikTok", name));

    public static TikTokPage Page(string name) => TikTokPage.TryParse(Read(name)) ?? throw new InvalidOperationException($"{name} has no data.");

    public static MediaPost MapPage(string name, TikTokPostId id, TimeSpan? maxDuration = null) =>
        TikTokMapping.ToPost(id, Page(name).Item ?? throw new InvalidOperationException($"{name} has no item."), DownloadContext.Plain(), maxDuration ?? NoLimit);
}
