using AotBot.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

internal static class WebhookServices
{
    /// <summary>
    /// The <see cref="IUpdateReceiver"/> of <c>Telegram:Mode</c>: long polling (which removes any webhook first) or
    /// the webhook endpoint on the listener.
    /// </summary>
    public static IServiceCollection AddUpdateReceiver(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<TelegramOptions>, WebhookOptionsValidator>();
        services.AddSingleton<LongPollingReceiver>();
        services.AddSingleton<WebhookReceiver>();
        services.AddSingleton<IHttpEndpoint>(provider => provider.GetRequiredService<WebhookReceiver>());
        services.AddSingleton<IUpdateReceiver>(provider =>
            provider.GetRequiredService<IOptions<TelegramOptions>>().Value.IsWebhook
                ? provider.GetRequiredService<WebhookReceiver>()
                : provider.GetRequiredService<LongPollingReceiver>());
        return services;
    }
}
