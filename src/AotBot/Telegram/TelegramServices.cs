using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

internal static class TelegramServices
{
    public static IServiceCollection AddTelegramBot(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        return services;
    }
}
