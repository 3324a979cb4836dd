using AotBot.Core;
using AotBot.Sources;
using AotBot.Storage;
using AotBot.Telegram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace AotBot.Hosting;

/// <summary>One line of <c>aotbot doctor</c>: passed (✓), failed (✗, with the fix) or a reminder (•) of what cannot be read.</summary>
internal sealed record DoctorLine(DoctorMark Mark, string Check, string Detail, string? Fix = null)
{
    public static DoctorLine Ok(string check, string detail) => new(DoctorMark.Ok, check, detail);

    public static DoctorLine Failed(string check, string detail, string fix) => new(DoctorMark.Failed, check, detail, fix);

    public static DoctorLine Note(string check, string detail) => new(DoctorMark.Note, check, detail);

    public override string ToString() =>
        Redaction.Redact($"{Mark switch { DoctorMark.Ok => "✓", DoctorMark.Failed => "✗", _ => "•" }} {Check}: {Detail}" + (Fix is null ? "" : $" — fix: {Fix}"));
}

internal enum DoctorMark { Ok, Failed, Note }

/// <summary>
/// <c>aotbot doctor [link]</c>: an online check of what the settings and BotFather's switches let the bot do, one line
/// per check. Exit 0 when every configured feature can work, 1 when a check failed, 2 on bad settings. The token is
/// never printed (every line goes through <see cref="Redaction"/>).
/// </summary>
internal sealed class Doctor(
    ITelegramBotClient client,
    IOptions<TelegramOptions> telegram,
    IOptions<LimitsOptions> limits,
    IOptions<StorageOptions> storage,
    SqlDatabase database,
    Func<Uri, CancellationToken, Task<MediaPost>> extract)
{
    internal const long CloudUploadLimit = 52_428_800;
    internal const long LocalUploadLimit = 2_097_152_000;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var link = args.FirstOrDefault(a => !a.StartsWith('-'));
        string[] settings = [.. args.Where(a => a != link)];
        using var host = AotBotHost.CreateBuilder(settings, Stream.Null).Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var sources = host.Services.GetRequiredService<MediaSources>();
        var doctor = new Doctor(
            host.Services.GetRequiredService<ITelegramBotClient>(),
            host.Services.GetRequiredService<IOptions<TelegramOptions>>(),
            host.Services.GetRequiredService<IOptions<LimitsOptions>>(),
            host.Services.GetRequiredService<IOptions<StorageOptions>>(),
            host.Services.GetRequiredService<SqlDatabase>(),
            // The seam to the sources: the same extraction a chat's link gets (`aotbot extract` may share it).
            sources.ExtractAsync);
        var failed = 0;
        await foreach (var line in doctor.CheckAsync(link, CancellationToken.None))
        {
            stdout.WriteLine(line.ToString());
            if (line.Mark == DoctorMark.Failed) failed++;
        }
        stdout.WriteLine(failed == 0 ? "Every configured feature can work." : $"{failed} check{(failed == 1 ? "" : "s")} failed.");
        return failed == 0 ? Cli.ExitOk : Cli.ExitFailure;
    }

    public async IAsyncEnumerable<DoctorLine> CheckAsync(string? link, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = telegram.Value;
        var (me, tokenLine) = await GetMeAsync(cancellationToken);
        yield return tokenLine;
        yield return ApiServer(options.ApiBaseUrl, limits.Value.MaxUploadBytes);
        if (me is not null)
        {
            yield return await WebhookAsync(options, cancellationToken);
            yield return Privacy(me);
            yield return Inline(me, options.StorageChannelId);
            if (options.StorageChannelId is { } channelId)
            {
                yield return DoctorLine.Note("inline feedback",
                    "cannot be read through the Bot API: check that /setinlinefeedback in @BotFather is Enabled (100%), or inline answers stay at the ⏳ placeholder");
                yield return await StorageChannelAsync(channelId, me.Id, cancellationToken);
            }
        }
        yield return await StorageAsync(cancellationToken);
        if (link is not null) yield return await LinkAsync(link, cancellationToken);
    }

    private async Task<(User?, DoctorLine)> GetMeAsync(CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            var me = await client.GetMe(timeout.Token);
            return (me, DoctorLine.Ok("token", $"valid: the bot is @{me.Username} (id {me.Id})"));
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 401 or 404)
        {
            return (null, DoctorLine.Failed("token", $"Telegram refused it ({ex.ErrorCode} {ex.Message})",
                "copy the token from @BotFather (/mybots → API Token) into BOT_TOKEN or AOTBOT_Telegram__Token"));
        }
        catch (Exception ex) when (ex is RequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, DoctorLine.Failed("token", $"not checked: the Bot API server at {telegram.Value.ApiBaseUrl} did not answer ({Describe(ex)})",
                "check Telegram:ApiBaseUrl, the network and Http:Proxy"));
        }
    }

    internal static DoctorLine ApiServer(string apiBaseUrl, long maxUploadBytes)
    {
        var cloud = Uri.TryCreate(apiBaseUrl, UriKind.Absolute, out var url) && url.Host.Equals("api.telegram.org", StringComparison.OrdinalIgnoreCase);
        var limit = cloud ? CloudUploadLimit : LocalUploadLimit;
        var kind = cloud ? "cloud Bot API" : $"local Bot API server at {url?.GetLeftPart(UriPartial.Authority) ?? apiBaseUrl}";
        var line = $"{kind}: files up to {Megabytes(limit)}; Limits:MaxUploadBytes is {Megabytes(maxUploadBytes)}";
        return maxUploadBytes <= limit
            ? DoctorLine.Ok("Bot API server", line)
            : DoctorLine.Failed("Bot API server", line + ", more than the server takes",
                $"set Limits:MaxUploadBytes to {limit} or less, or run a local Bot API server (files up to 2000 MB)");
    }

    private async Task<DoctorLine> WebhookAsync(TelegramOptions options, CancellationToken cancellationToken)
    {
        WebhookInfo info;
        using (var timeout = Timeout(cancellationToken))
        {
            try
            {
                info = await client.GetWebhookInfo(timeout.Token);
            }
            catch (Exception ex) when (ex is RequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return DoctorLine.Failed("webhook", $"getWebhookInfo failed ({Describe(ex)})", "check that the Bot API server answers");
            }
        }
        var set = info.Url is { Length: > 0 } ? new Uri(info.Url).GetLeftPart(UriPartial.Path) : null;
        if (!options.IsWebhook)
        {
            return set is null
                ? DoctorLine.Ok("webhook", "none set, as Telegram:Mode polling needs")
                : DoctorLine.Failed("webhook", $"set to {set} while Telegram:Mode is polling: another deployment may run in webhook mode (the bot deletes the webhook when it starts polling)",
                    "stop the other deployment, or set Telegram:Mode=webhook here too");
        }
        var wanted = new Uri(options.WebhookUrl).GetLeftPart(UriPartial.Path);
        if (set is null) return DoctorLine.Note("webhook", $"not set yet: the bot sets {wanted} when it starts");
        if (set != wanted)
            return DoctorLine.Failed("webhook", $"set to {set}, not Telegram:WebhookUrl {wanted}: another deployment set it",
                "stop the other deployment; this one sets its own URL when it starts");
        return info.LastErrorMessage is { Length: > 0 } error
            ? DoctorLine.Failed("webhook", $"{set}: Telegram's last delivery failed at {info.LastErrorDate:u} ({error}), {info.PendingUpdateCount} updates waiting",
                "check the HTTPS proxy in front of Http:Listen and the certificate")
            : DoctorLine.Ok("webhook", $"{set}, as Telegram:WebhookUrl, {info.PendingUpdateCount} updates waiting");
    }

    internal static DoctorLine Privacy(User me) =>
        !me.CanJoinGroups ? DoctorLine.Ok("privacy mode", "groups are off for this bot (/setjoingroups in @BotFather)")
        : me.CanReadAllGroupMessages ? DoctorLine.Ok("privacy mode", "off: the bot sees links in every group")
        : DoctorLine.Failed("privacy mode", "on: in a group where the bot is not an admin it sees commands and replies, not links",
            "make the bot an admin of each group, or /setprivacy → Disable in @BotFather and then remove and re-add the bot to each group");

    internal static DoctorLine Inline(User me, long? storageChannelId) => (me.SupportsInlineQueries, storageChannelId) switch
    {
        (true, not null) => DoctorLine.Ok("inline mode", "on in @BotFather, with a storage channel"),
        (false, not null) => DoctorLine.Failed("inline mode", "off in @BotFather while Telegram:StorageChannelId is set",
            "/setinline in @BotFather (and /setinlinefeedback to Enabled)"),
        (true, null) => DoctorLine.Failed("inline mode", "on in @BotFather but Telegram:StorageChannelId is not set: inline queries get 'Inline mode is off'",
            "set Telegram:StorageChannelId (see README, Create your bot in Telegram), or /setinline → Disable in @BotFather"),
        (false, null) => DoctorLine.Ok("inline mode", "off (in @BotFather and without Telegram:StorageChannelId)"),
    };

    private async Task<DoctorLine> StorageChannelAsync(long channelId, long botId, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            var rights = await ChannelRights.CheckAsync(client, channelId, botId, timeout.Token);
            return rights.CanPost
                ? DoctorLine.Ok("storage channel", rights.Detail)
                : DoctorLine.Failed("storage channel", rights.Detail, ChannelRights.Fix);
        }
        catch (Exception ex) when (ex is RequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return DoctorLine.Failed("storage channel", $"channel {channelId} could not be checked ({Describe(ex)})", ChannelRights.Fix);
        }
    }

    private async Task<DoctorLine> StorageAsync(CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            var where = database.Provider;
            if (database is SqliteDatabase && SqliteFile(storage.Value.ConnectionString) is { } file)
            {
                if (Unwritable(file) is { } problem)
                    return DoctorLine.Failed("storage", $"sqlite file {file}: {problem}",
                        "make the file and its folder writable by the bot's user, or set Storage:ConnectionString to another file");
                // Opening would create it: the bot does that at start.
                if (!System.IO.File.Exists(file)) return DoctorLine.Ok("storage", $"sqlite file {file} does not exist yet; its folder is writable and the bot creates it");
                where = $"sqlite file {file} (writable)";
            }
            await using var connection = await database.OpenAsync(timeout.Token);
            var version = await SchemaVersionAsync(connection, timeout.Token);
            var known = database.Migrations.Count;
            if (version > known)
                return DoctorLine.Failed("storage", $"{where}: schema version {version}, newer than this aotbot knows ({known})",
                    "run a newer aotbot or set Storage:ConnectionString to another database");
            return DoctorLine.Ok("storage", $"{where} answers; schema version {version} of {known}{(version < known ? " (the bot migrates it when it starts)" : "")}");
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            return DoctorLine.Failed("storage", $"{database.Provider} unreachable ({ResilientBotStore.Describe(ex)})",
                "check Storage:ConnectionString and that the database server runs");
        }
    }

    private async Task<DoctorLine> LinkAsync(string link, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(link, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return DoctorLine.Failed("link", $"'{link}' is not an http(s) link", "give a TikTok or Instagram link");
        try
        {
            return DoctorLine.Ok("link", Describe(await extract(url, cancellationToken)));
        }
        catch (AotBotException ex)
        {
            return DoctorLine.Failed("link", $"{ex.GetType().Name}: {ex.Message}",
                "see the error above; `aotbot` logs the same with Logging:LogLevel:Default=Debug");
        }
    }

    internal static string Describe(MediaPost post) => post switch
    {
        Sources.Video video => $"{post.Source} video {post.PostId}, {video.Width}x{video.Height}, {video.Duration.TotalSeconds:0} s{(post.Music is null ? "" : ", with music")}",
        Sources.Slideshow slideshow => $"{post.Source} slideshow {post.PostId}, {slideshow.Images.Count} images{(post.Music is null ? "" : ", with music")}",
        _ => $"{post.Source} post {post.PostId}, music only",
    };

    private static string? SqliteFile(string connectionString)
    {
        // ":memory:" and "Mode=Memory" have no file to write.
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" ? null : Path.GetFullPath(builder.DataSource);
    }

    /// <summary>What stops the bot writing the SQLite file (and its -wal/-shm files beside it), or null.</summary>
    private static string? Unwritable(string file)
    {
        var folder = Path.GetDirectoryName(file) ?? ".";
        if (!Directory.Exists(folder)) return $"folder {folder} does not exist";
        try
        {
            using (System.IO.File.Create(Path.Combine(folder, $".aotbot-doctor-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose)) { }
            if (System.IO.File.Exists(file))
                using (System.IO.File.Open(file, System.IO.FileMode.Open, FileAccess.ReadWrite)) { }
            return null;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return $"not writable ({ex.Message})";
        }
    }

    private static async Task<int> SchemaVersionAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = connection.Command("SELECT MAX(version) FROM schema_version");
            return (int)(await command.ScalarInt64Async(cancellationToken) ?? 0);
        }
        catch (System.Data.Common.DbException)
        {
            return 0;
        }
    }

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        return timeout;
    }

    private static string Megabytes(long bytes) => $"{bytes / 1_048_576.0:0.#} MB";

    private static string Describe(Exception ex) =>
        ex is OperationCanceledException ? $"no answer within {CallTimeout.TotalSeconds:0} s" : $"{ex.GetType().Name}: {ex.Message}";
}
