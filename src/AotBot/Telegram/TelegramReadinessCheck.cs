using AotBot.Core;
using AotBot.Http;
using Telegram.Bot;

namespace AotBot.Telegram;

/// <summary>
/// <c>/readyz</c> line <c>telegram</c>: ready while the Bot API answered within <see cref="Fresh"/>. Polling asks
/// every 50 s at most; an idle webhook-mode bot may call nothing for hours, so a stale answer is refreshed with one
/// getMe, at most every <see cref="ProbeInterval"/> however often the probe comes. Not ready while getUpdates answers
/// 409 Conflict (another process polls with the token).
/// </summary>
internal sealed class TelegramReadinessCheck(TelegramHttpClient http, ITelegramBotClient client, TelegramSetup setup, TimeProvider time)
    : IReadinessCheck
{
    internal static readonly TimeSpan Fresh = TimeSpan.FromMinutes(2);
    internal static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private DateTimeOffset? _lastProbe;

    public string Name => "telegram";

    public async ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        // Telegram answers, but with 409: this instance gets no updates.
        if (setup.PollConflict is { } conflict) return ReadinessResult.NotReady("getUpdates 409 Conflict: " + conflict);
        if (FreshAnswer() is { } fresh) return fresh;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _lastProbe < ProbeInterval) return NotReady();
            _lastProbe = now;
        }
        try
        {
            await client.GetMe(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // An error answer (401 ...) still proves Telegram reachable, and LastAnswerAt says so below.
            if (FreshAnswer() is null) return ReadinessResult.NotReady($"{Stale()}; getMe failed ({ex.GetType().Name})");
        }
        return FreshAnswer() ?? NotReady();
    }

    private ReadinessResult? FreshAnswer() =>
        http.LastAnswerAt is { } at && time.GetUtcNow() - at is var age && age <= Fresh
            ? ReadinessResult.Ready($"Bot API answered {age.TotalSeconds:0} s ago")
            : null;

    private ReadinessResult NotReady() => ReadinessResult.NotReady(Stale());

    private string Stale() => http.LastAnswerAt is { } at
        ? $"no Bot API answer for {(time.GetUtcNow() - at).TotalSeconds:0} s"
        : "no Bot API answer yet";
}
