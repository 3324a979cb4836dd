using System.Security.Cryptography;
using System.Text;
using AotBot.Sources.TikTok;

namespace AotBot.Testing.FakeTikTok;

/// <summary>A proof-of-work puzzle with a chosen answer, and the bot's own solver on it (for bench/challenge).</summary>
public sealed record ChallengePuzzle(byte[] Prefix, byte[] Digest)
{
    public static ChallengePuzzle WithAnswer(int answer)
    {
        var prefix = RandomNumberGenerator.GetBytes(16);
        return new(prefix, SHA256.HashData([.. prefix, .. Encoding.ASCII.GetBytes(answer.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
    }

    /// <summary>Runs the bot's solver (the code the bot runs) on this puzzle.</summary>
    public int? Solve() => TikTokChallenge.Solve(Prefix, Digest, CancellationToken.None);
}
