using AotBot.Core;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Localization;
using AotBot.Sources;
using AotBot.Storage;
using AotBot.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZLogger;

namespace AotBot.Hosting;

/// <summary>Builds the bot's Generic Host: configuration, logging and every capability's services.</summary>
public static class AotBotHost
{
    /// <summary>
    /// Creates the host builder. Configuration precedence, highest first: command line, <c>AOTBOT_</c> environment
    /// variables, <c>BOT_TOKEN</c>, <c>appsettings.json</c> beside the binary, defaults.
    /// </summary>
    /// <param name="args">Command-line settings (<c>--Section:Key=value</c>).</param>
    /// <param name="logOutput">Where log lines go; stdout when null (tests pass a buffer).</param>
    public static HostApplicationBuilder CreateBuilder(string[] args, Stream? logOutput = null)
    {
        // The empty builder skips the default providers (EventLog, Debug, user secrets, ...) we never ship.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddConfiguration(builder.Configuration, args);
        AddLogging(builder, logOutput);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        // Type=notify under systemd (READY=1 once started, STOPPING=1 on SIGTERM); a no-op anywhere else.
        services.AddSystemd();
        services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        services.TryAddSingleton<MemoryBudget>();
        services.TryAddSingleton<IdleTrimmer>();
        services.AddHostedService(static services => services.GetRequiredService<IdleTrimmer>());
        services.AddOptions<HostOptions>().Configure<IOptions<HostingOptions>>(
            (host, hosting) => host.ShutdownTimeout = hosting.Value.ShutdownTimeout);

        // First, so probes answer while the bot starts and drains.
        services.AddListener();

        services.AddLocalization();
        services.AddHttpLayer();
        services.AddImaging();
        services.AddStorage();
        services.AddSources();
        services.AddTelegramBot();
        return builder;
    }

    internal static void AddConfiguration(IConfigurationManager configuration, string[] args)
    {
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (Environment.GetEnvironmentVariable("BOT_TOKEN") is { Length: > 0 } token)
            configuration.AddInMemoryCollection([new("Telegram:Token", token)]);
        configuration.AddEnvironmentVariables("AOTBOT_");
        configuration.AddCommandLine(args);
        // Last, so a token file named anywhere above wins over a token given beside it.
        if (configuration["Telegram:TokenFile"] is { Length: > 0 } tokenFile)
            configuration.AddInMemoryCollection([new("Telegram:Token", TokenFileReader.Read(tokenFile))]);
    }

    private static int SyslogLevel(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    private static void AddLogging(HostApplicationBuilder builder, Stream? logOutput)
    {
        var format = builder.Configuration["Logging:Format"] ?? "plain";
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        var output = new RedactingStream(logOutput ?? Console.OpenStandardOutput());
        builder.Logging.AddZLoggerStream(output, options =>
        {
            if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
            {
                options.UseJsonFormatter();
            }
            else if (Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 })
            {
                // Under systemd, journald stamps the time itself and reads the level from a <N> syslog prefix.
                options.UsePlainTextFormatter(formatter =>
                    formatter.SetPrefixFormatter($"<{0}>{1}: ",
                        (in MessageTemplate template, in LogInfo info) => template.Format(SyslogLevel(info.LogLevel), info.Category)));
            }
            else
            {
                options.UsePlainTextFormatter(formatter =>
                    formatter.SetPrefixFormatter($"{0:yyyy-MM-ddTHH:mm:ss.fffZ} {1:short} {2}: ",
                        (in MessageTemplate template, in LogInfo info) =>
                            template.Format(info.Timestamp.Utc, info.LogLevel, info.Category)));
            }
        });
    }
}
