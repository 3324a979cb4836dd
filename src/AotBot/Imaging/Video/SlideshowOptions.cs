using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Imaging.Video;

/// <summary>Slideshows made into one video (section <c>Slideshow</c>).</summary>
public sealed record SlideshowOptions
{
    public const string Section = "Slideshow";

    /// <summary>How long each image is shown; shorter (down to 1.5 s) when the music ends sooner.</summary>
    [Range(1.5, 30.0, ErrorMessage = "Slideshow:SecondsPerImage must be between 1.5 and 30: set AOTBOT_Slideshow__SecondsPerImage")]
    public double SecondsPerImage { get; set; } = 3;
}

[OptionsValidator]
internal sealed partial class SlideshowOptionsValidator : IValidateOptions<SlideshowOptions>;
