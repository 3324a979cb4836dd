using AotBot.Http;

namespace AotBot.Tests.Http;

public sealed class BackoffSpecs
{
    [Fact]
    public void I_can_see_the_backoff_ceiling_double_from_half_a_second_up_to_eight()
    {
        // Arrange
        var backoff = new Backoff(new HighestRandom());

        // Act
        var ceilings = Enumerable.Range(1, 7).Select(attempt => backoff.Delay(attempt).TotalMilliseconds);

        // Assert
        Assert.Equal([500, 1000, 2000, 4000, 8000, 8000, 8000], ceilings);
    }

    [Fact]
    public void I_can_see_full_jitter_spread_delays_between_zero_and_the_ceiling()
    {
        // Arrange
        var backoff = new Backoff(new Random(42));

        // Act
        var delays = Enumerable.Range(0, 200).Select(_ => backoff.Delay(3)).ToList();

        // Assert
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(0.5));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(1.5));
    }

    private sealed class HighestRandom : Random
    {
        public override double NextDouble() => 1.0;
    }
}
