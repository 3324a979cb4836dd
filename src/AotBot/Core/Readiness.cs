using System.Text;

namespace AotBot.Core;

/// <summary>
/// One condition <c>/readyz</c> reports (Telegram reachable, storage reachable, conversion queue not saturated).
/// Register implementations with <c>services.AddSingleton&lt;IReadinessCheck, MyCheck&gt;()</c>.
/// </summary>
/// <remarks>
/// <para>A check should answer from state it already has or with one cheap round trip: it runs on every probe, in
/// parallel with the others, and counts as not ready when it takes longer than <see cref="Readiness.CheckTimeout"/>.</para>
/// </remarks>
public interface IReadinessCheck
{
    /// <summary>Short lower-case name shown on <c>/readyz</c>: <c>telegram</c>, <c>storage</c>, <c>conversion</c>.</summary>
    string Name { get; }

    ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The answer of one <see cref="IReadinessCheck"/>: ready or not, and a short plain-text reason.</summary>
public readonly record struct ReadinessResult(bool IsReady, string Detail)
{
    /// <summary>Ready, but one feature cannot work (inline mode): shown as <c>degraded</c>, still a 200.</summary>
    public bool IsDegraded { get; init; }

    public static ReadinessResult Ready(string detail = "ok") => new(true, detail);

    public static ReadinessResult Degraded(string reason) => new(true, reason) { IsDegraded = true };

    public static ReadinessResult NotReady(string reason) => new(false, reason);
}

/// <summary>Runs every registered <see cref="IReadinessCheck"/> and writes the <c>/readyz</c> report.</summary>
internal sealed class Readiness(IEnumerable<IReadinessCheck> checks, TimeProvider time)
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    private readonly IReadinessCheck[] _checks = [.. checks.OrderBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>Ready when every check is; the text has one <c>name: ok|degraded: reason|not ready: reason</c> line per check.</summary>
    public async Task<(bool Ready, string Report)> EvaluateAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(_checks.Select(check => RunAsync(check, cancellationToken)));
        var report = new StringBuilder();
        for (var i = 0; i < _checks.Length; i++)
        {
            var (ready, detail) = results[i];
            var state = !ready ? "not ready: " : results[i].IsDegraded ? "degraded: " : "";
            report.Append(_checks[i].Name).Append(": ").Append(state).Append(OneLine(detail)).Append('\n');
        }
        if (_checks.Length == 0) report.Append("no checks registered\n");
        return (results.All(r => r.IsReady), report.ToString());
    }

    private async Task<ReadinessResult> RunAsync(IReadinessCheck check, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // WaitAsync as well: a check that ignores its token must not hold the probe.
            return await check.CheckAsync(linked.Token).AsTask().WaitAsync(CheckTimeout, time, linked.Token);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            return ReadinessResult.NotReady($"no answer within {CheckTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ReadinessResult.NotReady($"check failed ({ex.GetType().Name})");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
