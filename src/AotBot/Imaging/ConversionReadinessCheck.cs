using AotBot.Core;

namespace AotBot.Imaging;

/// <summary>
/// <c>/readyz</c> line <c>conversion</c>: not ready while the conversion queue is full (new slideshows would wait to
/// even get in line), so a load balancer sends new work to an instance with room.
/// </summary>
internal sealed class ConversionReadinessCheck(HeicConverter converter) : IReadinessCheck
{
    public string Name => "conversion";

    public ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        var (queued, limit) = (converter.Pool.Queued, converter.Pool.QueueLimit);
        return ValueTask.FromResult(queued >= limit
            ? ReadinessResult.NotReady($"queue full ({queued} of {limit} images waiting)")
            : ReadinessResult.Ready($"{queued} of {limit} queued"));
    }
}
