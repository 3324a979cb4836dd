using AotBot.Core;
using AotBot.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace AotBot.Telegram;

internal static class TelegramServices
{
    public static IServiceCollection AddTelegramBot(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramTimeoutCheck>();

        services.AddSingleton<ITelegramBotClient>(provider =>
        {
            var telegram = provider.GetRequiredService<IOptions<TelegramOptions>>().Value;
            // RetryThreshold 0: Telegram.Bot throws on every 429 and BotApi owns waiting, resending and pacing.
            var clientOptions = new TelegramBotClientOptions(telegram.Token, telegram.ApiBaseUrl) { RetryThreshold = 0 };
            return new TelegramBotClient(clientOptions, provider.GetRequiredService<TelegramHttpClient>().Client);
        });
        services.AddSingleton<Pacer>();
        services.AddSingleton<ChatMigrations>();
        services.AddSingleton<BotApi>();
        services.AddSingleton<ChatActions>();
        services.AddSingleton<BotIdentity>();
        services.AddSingleton<TelegramSetup>();
        services.AddSingleton<StartupChecks>();
        services.AddSingleton<GroupNotice>();
        services.AddSingleton<JobLimiter>();
        services.AddSingleton<ErrorMessages>();
        services.AddSingleton<MediaPreparation>();
        services.AddSingleton<SlideshowVideos>();
        services.AddSingleton<MediaSender>();
        services.AddSingleton<LinkJobs>();
        services.AddSingleton<InlineFlow>();
        services.AddSingleton<IUpdateHandler, UpdateHandler>();
        services.AddSingleton<UpdateDispatcher>();
        services.AddUpdateReceiver();
        services.AddSingleton<IReadinessCheck, TelegramReadinessCheck>();
        services.AddSingleton<IReadinessCheck, InlineReadinessCheck>();
        services.AddHostedService<BotService>();
        return services;
    }
}
