using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>
/// The bytes of media every job together holds in memory, against <c>Http:MemoryBufferTotal</c>. A body or converted
/// image that does not fit goes to a temp file instead of the heap: measured, ten slideshows of twelve 12 MP HEICs at
/// once held ~130 MB of HEIC and JPEG bytes waiting for their albums, the largest part of a 310 MB peak.
/// </summary>
internal sealed class MediaMemory
{
    private readonly long _limit;
    private long _held;

    public MediaMemory(IOptions<HttpOptions> options)
        : this(options.Value.MemoryBufferTotal)
    {
    }

    internal MediaMemory(long limit) => _limit = limit;

    /// <summary>Bytes held now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Counts <paramref name="bytes"/> as held when they fit under the total; false (nothing counted) when not.</summary>
    public bool TryTake(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        while (true)
        {
            var held = Volatile.Read(ref _held);
            if (held + bytes > _limit) return false;
            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held) return true;
        }
    }

    /// <summary>Gives back bytes a <see cref="TryTake"/> counted.</summary>
    public void Give(long bytes) => Interlocked.Add(ref _held, -bytes);
}
