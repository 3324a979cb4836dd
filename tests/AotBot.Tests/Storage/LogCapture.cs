using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AotBot.Tests.Storage;

/// <summary>Collects log lines (event id, level, text) so specs can assert on what was logged and how often.</summary>
internal sealed class LogCapture
{
    private readonly ConcurrentQueue<(int Id, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(int Id, LogLevel Level, string Message)> Entries => _entries.ToArray();

    public IReadOnlyList<string> WithId(int id) => _entries.Where(e => e.Id == id).Select(e => e.Message).ToArray();

    public ILogger<T> For<T>() => new Logger<T>(this);

    private sealed class Logger<T>(LogCapture owner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
