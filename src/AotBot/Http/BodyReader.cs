using System.Buffers;
using AotBot.Core;
using Microsoft.Extensions.Logging;

namespace AotBot.Http;

/// <summary>
/// Streams a response body under a byte cap into pooled memory, spilling to a temp file past the memory limit.
/// The body is copied once (socket → rented array, or socket → copy buffer → file); nothing past the cap is kept.
/// </summary>
internal static class BodyReader
{
    private const int InitialBuffer = 64 * 1024;
    private const int CopyBuffer = 256 * 1024;

    // A body of a known size from here up gets an array of its own, of its exact size, which the GC takes back.
    // ArrayPool.Shared would round it up to a power of two and keep it after a burst (up to 32 per size and core,
    // trimmed only by later gen2 GCs). Measured by bench/load: ten slideshows of twelve 1.3 MB HEICs left an idle bot
    // holding ~200 MB of managed heap, mostly such arrays, which not even a memory budget's full GC could free; with
    // the line at 1 MB, ten slideshows of 240 KB TikTok images still left the idle-trimmed bot 16 MB over its start.
    internal const int PooledBelow = 64 * 1024;

    /// <exception cref="MediaTooLargeException">The declared or streamed length passes <paramref name="cap"/>.</exception>
    /// <param name="memory">
    /// Media memory shared by all jobs: a body that does not fit in it goes to a temp file like one over
    /// <paramref name="memoryLimit"/>; null for bodies that are parsed and dropped at once (pages).
    /// </param>
    public static async Task<DownloadedFile> ReadAsync(FinalResponse final, long cap, int memoryLimit, ILogger logger, MediaMemory? memory = null)
    {
        var content = final.Message.Content;
        var contentType = content.Headers.ContentType?.ToString();
        var declared = content.Headers.ContentLength;
        if (declared > cap) throw new MediaTooLargeException(declared);

        var body = await content.ReadAsStreamAsync(final.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            // A declared length is counted before the first byte; an unknown one once the body is complete.
            var taken = 0L;
            var toFile = declared > memoryLimit;
            if (!toFile && declared is { } known && memory is not null)
            {
                if (memory.TryTake(known)) taken = known;
                else toFile = true;
            }
            if (toFile) return await ReadToFileAsync(final, body, TempDownloadedFile.Create(contentType), default, cap).ConfigureAwait(false);

            var pooled = declared is not >= PooledBelow;
            var buffer = pooled
                ? ArrayPool<byte>.Shared.Rent((int)(declared ?? Math.Min(InitialBuffer, memoryLimit)))
                : GC.AllocateUninitializedArray<byte>((int)declared!.Value);
            var length = 0;
            try
            {
                while (length != declared)
                {
                    var capacity = Math.Min(buffer.Length, memoryLimit);
                    if (length == capacity)
                    {
                        if (capacity >= memoryLimit)
                        {
                            logger.SpilledToFile(Redaction.RedactUrl(final.Url), length);
                            var file = TempDownloadedFile.Create(contentType);
                            return await ReadToFileAsync(final, body, file, buffer.AsMemory(0, length), cap).ConfigureAwait(false);
                        }
                        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)capacity * 2, memoryLimit));
                        buffer.AsSpan(0, length).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                        capacity = Math.Min(buffer.Length, memoryLimit);
                    }
                    // Ask for at most one byte past the cap: enough to know it was passed, nothing more kept.
                    var room = (int)Math.Min(capacity - length, cap - length + 1);
                    var read = await final.ReadAsync(body, buffer.AsMemory(length, room)).ConfigureAwait(false);
                    if (read == 0) break;
                    length += read;
                    if (length > cap) throw new MediaTooLargeException(null);
                }
                if (memory is not null && declared is null)
                {
                    if (!memory.TryTake(length)) return TempDownloadedFile.Write(buffer.AsSpan(0, length), contentType);
                    taken = length;
                }
                var result = new PooledDownloadedFile(buffer, length, contentType, pooled, memory, taken);
                buffer = null;
                taken = 0;
                return result;
            }
            finally
            {
                if (buffer is not null && pooled) ArrayPool<byte>.Shared.Return(buffer);
                if (taken != 0) memory!.Give(taken);
            }
        }
    }

    private static async Task<DownloadedFile> ReadToFileAsync(FinalResponse final, Stream body, TempDownloadedFile file, ReadOnlyMemory<byte> head, long cap)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            file.Append(head.Span);
            while (true)
            {
                var room = (int)Math.Min(buffer.Length, cap - file.Length + 1);
                var read = await final.ReadAsync(body, buffer.AsMemory(0, room)).ConfigureAwait(false);
                if (read == 0) return file;
                if (file.Length + read > cap) throw new MediaTooLargeException(null);
                file.Append(buffer.AsSpan(0, read));
            }
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
