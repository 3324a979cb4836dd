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
}

[OptionsValidator]
internal sealed partial class ImagingOptionsValidator : IValidateOptions<ImagingOptions>;
