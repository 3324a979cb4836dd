using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Http;

/// <summary>
/// Captures log lines. With <see cref="AdvanceOnRetry"/> set, each retry line (2001, written once the backoff timer
/// exists) moves the fake clock by exactly the announced delay, so retry tests run without real waiting.
/// </summary>
internal sealed partial class RecordingLogs : ILoggerProvider
{
    public const int RetryEventId = 2001;

    private readonly ConcurrentQueue<LogLine> _lines = new();

    public FakeTimeProvider? AdvanceOnRetry { get; init; }

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IReadOnlyList<TimeSpan> RetryDelays =>
        [.. Lines.Where(l => l.EventId == RetryEventId).Select(l => TimeSpan.FromMilliseconds(long.Parse(DelayPattern().Match(l.Message).Groups[1].Value)))];

    [GeneratedRegex(@" in (\d+) ms ")]
    private static partial Regex DelayPattern();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private void Add(LogLine line)
    {
        _lines.Enqueue(line);
        if (line.EventId == RetryEventId && AdvanceOnRetry is { } time)
            time.Advance(TimeSpan.FromMilliseconds(long.Parse(DelayPattern().Match(line.Message).Groups[1].Value)));
    }

    private sealed class Logger(RecordingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogLine(eventId.Id, logLevel, formatter(state, exception)));
    }
}

internal sealed record LogLine(int EventId, LogLevel Level, string Message);
