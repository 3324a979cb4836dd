using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Imaging;

/// <summary>HEIC/AVIF → JPEG conversion (section <c>Imaging</c>).</summary>
public sealed record ImagingOptions
{
    public const string Section = "Imaging";

    /// <summary>Dedicated conversion threads; 0 means one per processor.</summary>
    [Range(0, 64, ErrorMessage = "Imaging:Workers must be between 0 and 64: set AOTBOT_Imaging__Workers")]
    public int Workers { get; set; }

    /// <summary>JPEG quality of converted images.</summary>
    [Range(1, 100, ErrorMessage = "Imaging:JpegQuality must be between 1 and 100: set AOTBOT_Imaging__JpegQuality")]
    public int JpegQuality { get; set; } = 75;

    /// <summary>Conversions that may wait for a worker; callers beyond it wait to enqueue (backpressure).</summary>
    [Range(1, 10_000, ErrorMessage = "Imaging:QueueLimit must be between 1 and 10000: set AOTBOT_Imaging__QueueLimit")]
    public int QueueLimit { get; set; } = 64;

    /// <summary>Images declaring more pixels (width × height) are refused before anything is decoded.</summary>
    [Range(1_000_000, 1_000_000_000, ErrorMessage = "Imaging:MaxPixels must be between 1000000 and 1000000000: set AOTBOT_Imaging__MaxPixels")]
    public int MaxPixels { get; set; } = 64_000_000;

    /// <summary>The worker count in effect: <see cref="Workers"/>, or one per processor when it is 0.</summary>
    internal int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

[OptionsValidator]
internal sealed partial class ImagingOptionsValidator : IValidateOptions<ImagingOptions>;
