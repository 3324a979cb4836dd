using System.Text;
using System.Text.RegularExpressions;

namespace AotBot.Core;

/// <summary>Removes bot tokens from text that leaves the process (logs, exception messages, CLI output).</summary>
public static partial class Redaction
{
    public const string Placeholder = "<redacted-token>";

    // Telegram request URLs carry the token: https://api.telegram.org/bot123456:AAE.../sendMessage
    [GeneratedRegex(@"[0-9]{3,}:[A-Za-z0-9_-]{30,}")]
    private static partial Regex TokenPattern();

    /// <summary>Replaces anything shaped like a bot token with a placeholder.</summary>
    public static string Redact(string text) =>
        text.Contains(':') ? TokenPattern().Replace(text, Placeholder) : text;

    /// <summary>Drops the query and token from a URL before it is logged.</summary>
    public static string RedactUrl(Uri? url) =>
        url is null ? "" : Redact(url.GetLeftPart(UriPartial.Path));

    /// <summary>Masks a secret for display: keeps the bot id part of a token, hides the rest.</summary>
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return "";
        var colon = secret.IndexOf(':');
        return colon > 0 && secret[..colon].All(char.IsAsciiDigit) ? secret[..colon] + ":***" : "***";
    }
}

/// <summary>
/// A write-only stream in front of stdout that redacts tokens line by line, so no log line can carry one,
/// whatever a library put into an exception message.
/// </summary>
internal sealed class RedactingStream(Stream inner) : Stream
{
    private readonly MemoryStream _pending = new();
    private readonly Lock _gate = new();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            while (!buffer.IsEmpty)
            {
                var newline = buffer.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _pending.Write(buffer);
                    return;
                }
                _pending.Write(buffer[..(newline + 1)]);
                buffer = buffer[(newline + 1)..];
                WritePendingLine();
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        lock (_gate)
        {
            if (_pending.Length > 0) WritePendingLine();
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    private void WritePendingLine()
    {
        var line = Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);
        _pending.SetLength(0);
        inner.Write(Encoding.UTF8.GetBytes(Redaction.Redact(line)));
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
