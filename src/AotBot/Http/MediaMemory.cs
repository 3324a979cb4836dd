using AotBot.Core;
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
    private readonly MemoryBudget? _budget;
    private long _held;

    public MediaMemory(IOptions<HttpOptions> options, MemoryBudget budget)
        : this(options.Value.MemoryBufferTotal, budget)
    {
    }

    internal MediaMemory(long limit, MemoryBudget? budget = null)
    {
        _limit = limit;
        _budget = budget;
    }

    /// <summary>Bytes held now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>
    /// Counts <paramref name="bytes"/> as held when they fit under the total and the process is not over
    /// <c>Limits:MemoryBudgetMB</c>; false (nothing counted) when not.
    /// </summary>
    public bool TryTake(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_budget is { IsOver: true }) return false;
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
