namespace AotBot.Http;

/// <summary>Exponential backoff with full jitter: a uniform delay between 0 and min(cap, base × 2^(attempt−1)).</summary>
internal sealed class Backoff(Random random)
{
    public static readonly TimeSpan Base = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(8);

    /// <summary>The pause after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Round(random.NextDouble() * ceiling));
    }
}
