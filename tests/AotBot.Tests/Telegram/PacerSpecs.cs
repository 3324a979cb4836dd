using AotBot.Telegram;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

public sealed class PacerSpecs
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_private_chat_gets_a_short_burst_then_one_message_per_second()
    {
        // Arrange
        var pacer = new Pacer(_time);

        // Act
        var waits = Enumerable.Range(0, 6).Select(_ => pacer.Reserve(42)).ToList();

        // Assert
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)],
            waits);
    }

    [Fact]
    public void A_chat_that_rested_gets_its_burst_back_and_other_chats_are_not_held_up()
    {
        // Arrange
        var pacer = new Pacer(_time);
        for (var i = 0; i < 3; i++) pacer.Reserve(42);

        // Act
        var otherChat = pacer.Reserve(43);
        _time.Advance(TimeSpan.FromSeconds(3));
        var rested = Enumerable.Range(0, 3).Select(_ => pacer.Reserve(42)).ToList();

        // Assert
        Assert.Equal(TimeSpan.Zero, otherChat);
        Assert.All(rested, wait => Assert.Equal(TimeSpan.Zero, wait));
    }

    [Fact]
    public void A_group_gets_at_most_twenty_messages_a_minute_counting_each_album_item()
    {
        // Arrange
        var pacer = new Pacer(_time);
        const long group = -100123;

        // Act: two albums of 10 use the group's minute; the next message waits for the rate (20 a minute: 3 s each)
        var first = pacer.Reserve(group, weight: 10);
        var second = pacer.Reserve(group, weight: 10);
        var third = pacer.Reserve(group);
        _time.Advance(TimeSpan.FromMinutes(1));
        var afterAMinute = pacer.Reserve(group, weight: 10);

        // Assert
        Assert.Equal(TimeSpan.Zero, first);
        Assert.Equal(TimeSpan.Zero, second);
        Assert.Equal(TimeSpan.FromSeconds(3), third);
        Assert.Equal(TimeSpan.Zero, afterAMinute);
    }

    [Fact]
    public void The_whole_bot_sends_at_most_thirty_messages_a_second()
    {
        // Arrange
        var pacer = new Pacer(_time);

        // Act: 31 different chats at the same instant
        var waits = Enumerable.Range(1, 31).Select(chat => pacer.Reserve(chat)).ToList();

        // Assert
        Assert.All(waits.Take(30), wait => Assert.Equal(TimeSpan.Zero, wait));
        Assert.Equal(TimeSpan.FromSeconds(1.0 / 30), waits[30]);
    }

    [Fact]
    public void With_three_instances_live_this_one_sends_a_third_of_the_thirty_a_second_and_all_of_it_when_alone_again()
    {
        // Arrange
        var pacer = new Pacer(_time);

        // Act: 11 chats at once while three instances share the budget, then a second later with one left
        pacer.ShareGlobal(3);
        var shared = Enumerable.Range(1, 11).Select(chat => pacer.Reserve(chat)).ToList();
        _time.Advance(TimeSpan.FromSeconds(2));
        pacer.ShareGlobal(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        var alone = Enumerable.Range(100, 31).Select(chat => pacer.Reserve(chat)).ToList();

        // Assert
        Assert.All(shared.Take(10), wait => Assert.Equal(TimeSpan.Zero, wait));
        Assert.Equal(TimeSpan.FromSeconds(1.0 / 10), shared[10]);
        Assert.All(alone.Take(30), wait => Assert.Equal(TimeSpan.Zero, wait));
        Assert.Equal(TimeSpan.FromSeconds(1.0 / 30), alone[30]);
    }

    [Fact]
    public async Task A_send_waits_its_turn_on_the_clock()
    {
        // Arrange
        var pacer = new Pacer(_time);
        for (var i = 0; i < 3; i++) await pacer.WaitAsync(42, 1, default);

        // Act
        var fourth = pacer.WaitAsync(42, 1, default);
        var doneEarly = fourth.IsCompleted;
        _time.Advance(TimeSpan.FromSeconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(doneEarly);
    }
}
