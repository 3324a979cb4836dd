using System.Reflection;
using AotBot.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

/// <summary>The <c>aotbot</c> command line: run (default), --help, --version, check-config, healthcheck, convert, slideshow, extract, doctor.</summary>
public static partial class Cli
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitBadConfiguration = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
        var rest = verb is null ? args : args[1..];
        try
        {
            return verb switch
            {
                null when args.Contains("--help") || args.Contains("-h") => Help(stdout),
                null when args.Contains("--version") => Version(stdout),
                null or "run" => await RunBotAsync(rest, stderr),
                "check-config" => CheckConfig(rest, stdout, stderr),
                "healthcheck" => await HealthcheckAsync(rest, stdout, stderr),
                "convert" => await ConvertCommand.RunAsync(rest, stdout, stderr),
                "slideshow" => await SlideshowCommand.RunAsync(rest, stdout, stderr),
                "extract" => await ExtractCommand.RunAsync(rest, stdout, stderr),
                "doctor" => await Doctor.RunAsync(rest, stdout, stderr),
                "help" => Help(stdout),
                "version" => Version(stdout),
                _ => Unknown(verb, stderr),
            };
        }
        catch (OptionsValidationException ex)
        {
            return BadConfiguration(ex, stderr);
        }
    }

    public static string VersionText
    {
        get
        {
            var informational = typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = informational.IndexOf('+');
            var version = plus < 0 ? informational : informational[..plus];
            var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
            return $"aotbot {version} (commit {commit}, {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})";
        }
    }

    private static int Version(TextWriter stdout)
    {
        stdout.WriteLine(VersionText);
        return ExitOk;
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine($"""
            {VersionText}
            Sends back the video, slideshow or music of TikTok and Instagram links, as a Telegram bot.

            Usage:
              aotbot [--Section:Key=value ...]            run the bot (long polling by default)
              aotbot check-config [--Section:Key=value]   validate settings, print them with secrets masked
              aotbot healthcheck                          exit 0 when the running bot (or its configuration) is healthy
              aotbot convert <files...> [-o DIR] [--quality N]   convert HEIC/AVIF to JPEG as the bot does
              aotbot slideshow <images...> [--music FILE] -o OUT.mp4   make a slideshow video as the bot does
              aotbot extract <link> [-v]                  print as JSON what the bot would send for a link, and each attempt
              aotbot doctor [link] [--Section:Key=value]  check the token, BotFather's switches, storage channel and storage online (exit 0/1/2)
              aotbot --version | --help

            Settings (command line > AOTBOT_ environment > BOT_TOKEN > appsettings.json beside the binary > default):
            """);
        foreach (var setting in Settings.All)
            stdout.WriteLine($"  {setting.Key,-34} {setting.EnvironmentName,-38} default: {(setting.Default.Length == 0 ? "(none)" : setting.Default)}");
        return ExitOk;
    }

    private static int Unknown(string verb, TextWriter stderr)
    {
        stderr.WriteLine($"Unknown command '{verb}'. Run 'aotbot --help' for the commands.");
        return ExitBadConfiguration;
    }

    private static async Task<int> RunBotAsync(string[] args, TextWriter stderr)
    {
        if (CheckLogFormat(args, stderr) is { } bad) return bad;
        using var host = AotBotHost.CreateBuilder(args).Build();
        try
        {
            // Validated here first so a bad setting gives one line, not the host's "Hosting failed to start" trace.
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            // Likewise a taken Http:Listen port.
            host.Services.GetRequiredService<ListenerService>().Start();
            await host.StartAsync();
        }
        catch (OptionsValidationException ex)
        {
            return BadConfiguration(ex, stderr);
        }
        await host.WaitForShutdownAsync();
        return ExitOk;
    }

    private static int CheckConfig(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (CheckLogFormat(args, stderr) is { } bad) return bad;
        using var host = AotBotHost.CreateBuilder(args, Stream.Null).Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        stdout.WriteLine("Configuration is valid. Effective settings:");
        foreach (var (key, value, secret) in Effective(configuration))
            stdout.WriteLine($"  {key} = {(secret ? Redaction.Mask(value) : value)}");
        return ExitOk;
    }

    /// <summary>Each catalogued setting with its effective value, expanding arrays and maps into their entries.</summary>
    internal static IEnumerable<(string Key, string Value, bool Secret)> Effective(IConfiguration configuration)
    {
        foreach (var setting in Settings.All)
        {
            var placeholder = setting.Key.IndexOf(":<", StringComparison.Ordinal);
            var sectionKey = placeholder < 0 ? setting.Key : setting.Key[..placeholder];
            var children = configuration.GetSection(sectionKey).GetChildren().ToList();
            if (placeholder >= 0 || (children.Count > 0 && configuration[sectionKey] is null && setting.Default.Length == 0))
            {
                foreach (var child in children)
                    yield return (child.Path, child.Value ?? "", setting.Secret);
                continue;
            }
            yield return (setting.Key, configuration[setting.Key] ?? setting.Default, setting.Secret);
        }
    }

    private static async Task<int> HealthcheckAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var host = AotBotHost.CreateBuilder(args, Stream.Null).Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        if (configuration["Http:Listen"] is not { Length: > 0 } listen)
        {
            stdout.WriteLine("healthy (configuration valid; no Http:Listen endpoint to ask)");
            return ExitOk;
        }
        var url = ListenAddress.ProbeUrl(listen, "/healthz")!;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(url);
            stdout.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? ExitOk : ExitFailure;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            stderr.WriteLine($"{url}: unreachable ({ex.GetType().Name})");
            return ExitFailure;
        }
    }

    private static int? CheckLogFormat(string[] args, TextWriter stderr)
    {
        var configuration = new ConfigurationManager();
        AotBotHost.AddConfiguration(configuration, args);
        var format = configuration["Logging:Format"];
        if (format is null || format.Equals("plain", StringComparison.OrdinalIgnoreCase) || format.Equals("json", StringComparison.OrdinalIgnoreCase))
            return null;
        stderr.WriteLine("Logging:Format must be plain or json: set AOTBOT_Logging__Format");
        return ExitBadConfiguration;
    }

    private static int BadConfiguration(OptionsValidationException ex, TextWriter stderr)
    {
        foreach (var failure in ex.Failures)
            stderr.WriteLine(Redaction.Redact(StripMemberPrefix(failure)));
        return ExitBadConfiguration;
    }

    // The generated validator words range failures as "The field ImagingOptions.JpegQuality must be between 1 and 100."
    // whatever ErrorMessage says; every options record is named after its section, so the setting's name follows.
    [System.Text.RegularExpressions.GeneratedRegex(@"The field (?<section>\w+)Options\.(?<key>\w+) (?<rest>.*?)\.?$")]
    private static partial System.Text.RegularExpressions.Regex GeneratedMessage();

    // The generated validator prefixes each message with "Property X: " or "DataAnnotation validation failed for ...";
    // our messages already name the setting, so keep only ours.
    private static string StripMemberPrefix(string failure)
    {
        if (GeneratedMessage().Match(failure) is { Success: true } m)
        {
            var (section, key) = (m.Groups["section"].Value, m.Groups["key"].Value);
            return $"{section}:{key} {m.Groups["rest"].Value}: set AOTBOT_{section}__{key}";
        }
        foreach (var setting in Settings.All)
        {
            var section = setting.Key[..setting.Key.IndexOf(':')];
            var at = failure.IndexOf(section + ":", StringComparison.Ordinal);
            if (at > 0) return failure[at..];
        }
        return failure;
    }
}
