using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AotBot.Http;

/// <summary>
/// Removes, at start-up, the spill files (<c>aotbot-*.part</c> in <c>TMPDIR</c>) that a killed bot left behind over an
/// hour ago: they are deleted on close, so only a SIGKILL or a crash leaves them, and in the container image TMPDIR is
/// the data volume, where nothing else would remove them. The hour spares the files of another bot sharing TMPDIR
/// (a spill file lives as long as one job).
/// </summary>
internal sealed class StaleTempFiles(TimeProvider time, ILogger<StaleTempFiles> logger) : IHostedService
{
    internal static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        long count = 0, bytes = 0;
        try
        {
            foreach (var file in new DirectoryInfo(Path.GetTempPath()).EnumerateFiles(TempDownloadedFile.SearchPattern))
            {
                try
                {
                    if (time.GetUtcNow() - file.LastWriteTimeUtc < MinimumAge) continue;
                    var length = file.Length;
                    file.Delete();
                    count++;
                    bytes += length;
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No readable TMPDIR: spilling will report it when it happens; start-up goes on.
        }
        if (count > 0) logger.StaleTempFilesRemoved(count, bytes, Path.GetTempPath());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
