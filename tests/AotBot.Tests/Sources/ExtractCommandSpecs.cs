using System.Text.Json;
using AotBot.Hosting;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Sources;

/// <summary><c>aotbot extract &lt;link&gt;</c> in-process against the fake TikTok: the JSON, the exit codes.</summary>
public sealed class ExtractCommandSpecs
{
    private const string VideoId = "7350810998023948001";

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task I_can_extract_a_link_and_read_what_the_bot_would_send_and_the_path_it_took()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.Challenge = FakeChallengeMode.UntilSolved;
        var post = fake.Add(new FakeTikTokPost(VideoId) { Description = "dance #fyp", DurationSeconds = 21 });

        // Act
        var (exit, stdout, stderr) = await RunAsync(["extract", post.Link.AbsoluteUri, .. fake.CommandLineArgs(withFallbackApi: false)]);

        // Assert
        Assert.True(exit == 0, stderr + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal("tiktok", json.GetProperty("source").GetString());
        var extracted = json.GetProperty("post");
        Assert.Equal(("video", VideoId, "dance #fyp", "fakeuser"),
            (extracted.GetProperty("kind").GetString(), extracted.GetProperty("id").GetString(), extracted.GetProperty("title").GetString(), extracted.GetProperty("author").GetString()));
        var video = extracted.GetProperty("video");
        Assert.Equal(FakeTikTokRendering.VideoUrl(post, "h264"), video.GetProperty("url").GetString());
        Assert.Equal(("h264", true, post.VideoBytes.Length, 21.0),
            (video.GetProperty("codec").GetString(), video.GetProperty("sound").GetBoolean(), video.GetProperty("bytes").GetInt32(), video.GetProperty("duration_seconds").GetDouble()));
        Assert.Equal("original sound - fakeuser", extracted.GetProperty("music").GetProperty("title").GetString());
        Assert.Equal(["page:challenge_solved"], json.GetProperty("path").EnumerateArray().Select(step => step.GetString()));
        Assert.Equal("ua=chrome/143 proxy=none", json.GetProperty("attempts")[0].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task I_get_exit_code_1_with_the_error_key_and_every_attempt_when_tiktok_blocks_the_server()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockUserAgents("Mozilla");

        // Act
        var (exit, stdout, _) = await RunAsync(["extract", post.Link.AbsoluteUri, .. fake.CommandLineArgs(withFallbackApi: false)]);

        // Assert
        Assert.Equal(1, exit);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Equal("error_rate_limit", json.GetProperty("error_key").GetString());
        Assert.False(json.TryGetProperty("post", out _));
        Assert.Equal(["page:maintenance_block", "page:maintenance_block", "page:maintenance_block"],
            json.GetProperty("path").EnumerateArray().Select(step => step.GetString()));
        Assert.Equal(["ua=chrome/143 proxy=none", "ua=firefox/145 proxy=none", "ua=chrome/141 proxy=none"],
            json.GetProperty("attempts").EnumerateArray().Select(step => step.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task I_get_exit_code_1_and_link_error_for_a_link_no_source_supports()
    {
        var (exit, stdout, _) = await RunAsync("extract", "https://example.org/video/1");

        Assert.Equal(1, exit);
        Assert.Equal("link_error", JsonDocument.Parse(stdout).RootElement.GetProperty("error_key").GetString());
    }

    [Fact]
    public async Task I_get_exit_code_2_and_one_line_naming_a_bad_setting()
    {
        var (exit, stdout, stderr) = await RunAsync("extract", $"https://www.tiktok.com/@a/video/{VideoId}", "--TikTok:ApiFallbackMethod=PUT");

        Assert.Equal(2, exit);
        Assert.Equal("TikTok:ApiFallbackMethod must be GET or POST: set AOTBOT_TikTok__ApiFallbackMethod", stderr.Trim());
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task I_get_exit_code_2_without_a_link()
    {
        var (exit, _, stderr) = await RunAsync("extract");

        Assert.Equal(2, exit);
        Assert.Contains("Usage: aotbot extract", stderr);
    }

    [Fact]
    public async Task I_can_see_which_instagram_path_served_a_post()
    {
        // Arrange
        await using var instagram = await AotBot.Testing.FakeInstagram.FakeInstagramApi.StartAsync();
        instagram.Add("DAzkjIhvK6x", AotBot.Testing.FakeInstagram.FakeInstagramMedia.Image(), AotBot.Testing.FakeInstagram.FakeInstagramMedia.Video());
        instagram.Block(AotBot.Testing.FakeInstagram.FakeInstagramPath.AppApi, AotBot.Testing.FakeInstagram.FakeInstagramBlock.LoginRedirect);

        // Act
        var (exit, stdout, stderr) = await RunAsync(["extract", "https://www.instagram.com/p/DAzkjIhvK6x/", .. instagram.CommandLineArgs(withKey: false)]);

        // Assert
        Assert.True(exit == 0, stderr + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(("instagram", "slideshow"), (json.GetProperty("source").GetString(), json.GetProperty("post").GetProperty("kind").GetString()));
        Assert.Equal(["app_api:login_redirect", "embed:ok"], json.GetProperty("path").EnumerateArray().Select(step => step.GetString()));
    }
}
