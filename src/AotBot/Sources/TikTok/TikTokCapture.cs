using AotBot.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.TikTok;

/// <summary>
/// Saves unexpected TikTok pages (block receipts, captchas, challenges that stay) into <c>TikTok:CaptureDir</c> for a
/// bug report: the body and a comment line with the URL without its query, the status and the outcome. Request
/// cookies and headers are never written. At most <see cref="MaxFiles"/> files; the oldest go first.
/// </summary>
internal sealed class TikTokCapture(IOptions<TikTokOptions> options, TimeProvider time, ILogger<TikTokCapture> logger)
{
    public const int MaxFiles = 20;
    private const string Pattern = "tiktok-*.html";
    private readonly Lock _gate = new();
    private long _sequence;

    public void Save(string outcome, Uri url, int status, string body)
    {
        var folder = options.Value.CaptureDir;
        if (string.IsNullOrWhiteSpace(folder)) return;
        try
        {
            lock (_gate)
            {
                Directory.CreateDirectory(folder);
                // The name sorts by time, so pruning keeps the newest.
                var name = $"tiktok-{time.GetUtcNow():yyyyMMdd-HHmmss-fff}-{Interlocked.Increment(ref _sequence):D6}-{outcome}.html";
                var path = Path.Combine(folder, name);
                File.WriteAllText(path, $"<!-- {Redaction.RedactUrl(url)} status {status} outcome {outcome} -->\n{Redaction.Redact(body)}");
                var files = Directory.GetFiles(folder, Pattern).Order(StringComparer.Ordinal).ToList();
                foreach (var old in files.Take(Math.Max(0, files.Count - MaxFiles)))
                    File.Delete(old);
                logger.PageCaptured(outcome, path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.CaptureFailed(folder, ex.GetType().Name);
        }
    }
}
