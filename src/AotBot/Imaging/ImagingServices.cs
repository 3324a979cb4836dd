using AotBot.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Imaging;

internal static class ImagingServices
{
    public static IServiceCollection AddImaging(this IServiceCollection services)
    {
        services.AddOptions<ImagingOptions>().BindConfiguration(ImagingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImagingOptions>, ImagingOptionsValidator>();
        services.AddSingleton<HeicConverter>();
        services.AddSingleton<IImageConverter>(provider => provider.GetRequiredService<HeicConverter>());
        services.AddOptions<Video.SlideshowOptions>().BindConfiguration(Video.SlideshowOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Video.SlideshowOptions>, Video.SlideshowOptionsValidator>();
        services.AddSingleton<Video.SlideshowComposer>();
        services.AddSingleton<IReadinessCheck, ConversionReadinessCheck>();
        // A conversion that failed is the bot's fault, not the post's: the generic apology.
        services.AddSingleton(new ErrorKey(typeof(ImageConversionException), ErrorKey.Fallback));
        return services;
    }
}
