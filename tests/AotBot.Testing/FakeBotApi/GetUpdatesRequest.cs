namespace AotBot.Testing.FakeBotApi;

/// <summary>A getUpdates call's parameters as Telegram reads them: offset 0, no long poll and 100 updates when absent, limit 1–100.</summary>
public sealed record GetUpdatesRequest(long Offset, TimeSpan Timeout, int Limit)
{
    public static GetUpdatesRequest Parse(IReadOnlyDictionary<string, string> fields) => new(
        fields.TryGetValue("offset", out var o) && long.TryParse(o, out var offset) ? offset : 0,
        TimeSpan.FromSeconds(fields.TryGetValue("timeout", out var t) && int.TryParse(t, out var seconds) ? seconds : 0),
        fields.TryGetValue("limit", out var l) && int.TryParse(l, out var most) ? Math.Clamp(most, 1, 100) : 100);
}
