namespace AotBot.Sources;

/// <summary>
/// One step of an extraction and how it ended, e.g. <c>("page", "challenge_solved", "ua=firefox/145 proxy=0")</c> or
/// <c>("fallback", "ok", null)</c>. Steps and outcomes are short stable words any source can use; no secrets in them.
/// </summary>
public sealed record ExtractionStep(string Step, string Outcome, string? Detail = null);

/// <summary>The steps one extraction took, in order: what <c>aotbot extract</c> prints as the path and the attempts.</summary>
public sealed class ExtractionTrace
{
    private readonly Lock _gate = new();
    private readonly List<ExtractionStep> _steps = [];

    public IReadOnlyList<ExtractionStep> Steps
    {
        get
        {
            lock (_gate) return [.. _steps];
        }
    }

    public void Add(string step, string outcome, string? detail = null)
    {
        lock (_gate) _steps.Add(new ExtractionStep(step, outcome, detail));
    }
}
