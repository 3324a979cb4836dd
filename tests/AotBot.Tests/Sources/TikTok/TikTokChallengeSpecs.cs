using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AotBot.Sources.TikTok;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Sources.TikTok;

/// <summary>The proof-of-work page's parser and solver: known answers built here from a chosen i, and bad pages.</summary>
public sealed class TikTokChallengeSpecs
{
    private static (byte[] Prefix, byte[] Digest) Puzzle(int answer)
    {
        var prefix = RandomNumberGenerator.GetBytes(16);
        return (prefix, SHA256.HashData([.. prefix, .. Encoding.ASCII.GetBytes(answer.ToString())]));
    }

    private static string Page(byte[] prefix, byte[] digest, string secondValue = "1a2b3c") =>
        FakeTikTokRendering.ChallengePage(Convert.ToBase64String(prefix), Convert.ToBase64String(digest), "_wafchallengeid", "waforiginalreid", secondValue);

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(4242)]
    [InlineData(123_456)]
    [InlineData(TikTokChallenge.MaxAnswer)]
    public void I_get_the_answer_the_puzzle_was_built_from(int answer)
    {
        // Arrange
        var (prefix, digest) = Puzzle(answer);

        // Act
        var solved = TikTokChallenge.Solve(prefix, digest, CancellationToken.None);

        // Assert
        Assert.Equal(answer, solved);
    }

    [Fact]
    public void I_get_no_answer_for_a_puzzle_beyond_a_million()
    {
        var (prefix, digest) = Puzzle(TikTokChallenge.MaxAnswer + 1);

        Assert.Null(TikTokChallenge.Solve(prefix, digest, CancellationToken.None));
    }

    [Fact]
    public async Task I_can_cancel_a_solve()
    {
        var challenge = TikTokChallenge.TryParse(Page(Puzzle(TikTokChallenge.MaxAnswer + 1).Prefix, Puzzle(1).Digest))!;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => challenge.SolveAsync(cancelled.Token));
    }

    [Fact]
    public async Task I_can_read_the_page_solve_it_and_get_the_cookie_the_page_wants()
    {
        // Arrange: the page's base64 has its padding stripped, as the live page's may.
        var (prefix, digest) = Puzzle(31337);
        var challenge = TikTokChallenge.TryParse(Page(prefix, digest, secondValue: "9f8e7d"))!;

        // Act
        var answer = await challenge.SolveAsync(CancellationToken.None);
        var cookie = JsonDocument.Parse(Convert.FromBase64String(challenge.CookieValue(answer!.Value))).RootElement;

        // Assert
        Assert.Equal(31337, answer);
        Assert.Equal(("_wafchallengeid", ("waforiginalreid", "9f8e7d")), (challenge.CookieName, challenge.SecondCookie!.Value));
        Assert.Equal("31337", Encoding.ASCII.GetString(Convert.FromBase64String(cookie.GetProperty("d").GetString()!)));
        // The rest of the puzzle goes back as it came.
        Assert.Equal(Convert.ToBase64String(prefix), cookie.GetProperty("v").GetProperty("a").GetString());
        Assert.Equal(Convert.ToBase64String(digest), cookie.GetProperty("v").GetProperty("c").GetString());
        Assert.Equal("pow", cookie.GetProperty("s").GetString());
    }

    public static TheoryData<string, string> NotChallenges()
    {
        var (prefix, digest) = Puzzle(5);
        string Cs(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        string With(string cs, string wci = "_wafchallengeid") => $"""<html><body><p id="cs" class="{cs}"></p><p id="wci" class="{wci}"></p></body></html>""";
        var a = Convert.ToBase64String(prefix);
        var c = Convert.ToBase64String(digest);
        string V(string? pa, string? pc)
        {
            var v = new System.Text.Json.Nodes.JsonObject();
            if (pa is not null) v["a"] = pa;
            if (pc is not null) v["c"] = pc;
            return new System.Text.Json.Nodes.JsonObject { ["v"] = v }.ToJsonString();
        }
        return new TheoryData<string, string>
        {
            { "an empty page", "" },
            { "a post page", TikTokFixtures.Read("video.html") },
            { "the captcha page", FakeTikTokRendering.CaptchaPage() },
            { "cs not base64", With("@@not*base64@@") },
            { "cs base64 of no JSON", With(Cs("this is not json")) },
            { "cs JSON without v", With(Cs("""{"x":1}""")) },
            { "v.a missing", With(Cs(V(null, c))) },
            { "v.c not base64", With(Cs(V(a, "%%%"))) },
            { "v.c not a SHA-256 digest", With(Cs(V(a, Convert.ToBase64String(new byte[8])))) },
            { "v a string", With(Cs("""{"v":"abc"}""")) },
            { "the JSON an array", With(Cs("[1,2,3]")) },
            { "no wci element", $"""<p id="cs" class="{Cs(V(a, c))}"></p>""" },
            { "a wci that is no cookie name", With(Cs(V(a, c)), wci: "a b;c") },
        };
    }

    [Theory]
    [MemberData(nameof(NotChallenges))]
    public void I_get_not_a_challenge_for_a_malformed_page_and_no_exception(string what, string html)
    {
        Assert.True(TikTokChallenge.TryParse(html) is null, what);
    }
}
