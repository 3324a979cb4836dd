namespace AotBot.Core;

/// <summary>One configuration setting as an operator sees it: key, default, what it does.</summary>
public sealed record Setting(string Key, string Default, string Description, bool Secret = false)
{
    /// <summary>The environment variable that sets it: <c>AOTBOT_Section__Key</c>.</summary>
    public string EnvironmentName => "AOTBOT_" + Key.Replace(":", "__");
}

/// <summary>
/// Every setting the bot reads, in one list: <c>--help</c>, <c>check-config</c> and the README table come from here,
/// and a test checks each default against the option records.
/// </summary>
public static class Settings
{
    public static IReadOnlyList<Setting> All { get; } =
    [
        new("Telegram:Token", "", "Bot token from @BotFather (required; BOT_TOKEN is an alias)", Secret: true),
        new("Telegram:TokenFile", "", "File holding the token (systemd LoadCredential, Docker or Kubernetes secret); wins over Telegram:Token"),
        new("Telegram:ApiBaseUrl", "https://api.telegram.org", "Bot API server; a local Bot API server goes here"),
        new("Telegram:StorageChannelId", "", "Channel for inline-mode uploads; inline mode is off without it"),
        new("Telegram:AdminIds", "", "User ids allowed to run /stats (array: Telegram:AdminIds:0, :1, ...)"),
        new("Telegram:Mode", "polling", "polling (getUpdates) or webhook (Telegram posts to Http:Listen behind your HTTPS proxy)"),
        new("Telegram:WebhookUrl", "", "Public https URL of the webhook (webhook mode); its path is served on Http:Listen"),
        new("Telegram:WebhookSecret", "", "Secret Telegram sends with each webhook call: 1-256 of A-Z a-z 0-9 _ - (webhook mode)", Secret: true),
        new("Telegram:RequestTimeout", "00:01:00", "Longest a Bot API call may take; uploads get 30 s + 1 s per 256 KB (at most 10 min); a timed-out call is retried"),
        new("Http:HostOverrides:<host>", "", "Base URL that replaces scheme+host+port of requests to <host>"),
        new("Http:AllowPrivateNetworks", "false", "Let URLs from pages and API answers reach loopback/private addresses (tests); Telegram, host-override targets and the fallback/Instagram APIs are always reachable"),
        new("Http:Proxy", "", "Proxy URL for page and media requests", Secret: true),
        new("Http:MaxAttempts", "3", "Attempts per request before it fails"),
        new("Http:Listen", "", "Own HTTP listener for /healthz, /readyz, /metrics and the webhook, e.g. http://0.0.0.0:8080 (off when empty)"),
        new("Http:UserAgent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "User-Agent of outgoing requests"),
        new("Http:AttemptTimeout", "00:00:30", "Time an attempt may take until the response headers (pages: the whole page)"),
        new("Http:ReadIdleTimeout", "00:00:20", "An attempt fails when no body byte arrives for this long"),
        new("Http:MaxRetryAfter", "00:00:30", "Longest Retry-After honoured; longer ones wait this long"),
        new("Http:MemoryBufferLimit", "8388608", "Downloads up to this many bytes stay in memory; larger ones spill to a temp file"),
        new("Http:MemoryBufferTotal", "16777216", "Downloaded and converted media all jobs together keep in memory; past it, they go to temp files"),
        new("Http:ProxyFile", "", "File with one proxy URL per line, rotated between jobs and on retry"),
        new("Http:MaxConcurrentDownloads", "16", "Downloads in flight across all jobs"),
        new("Http:DownloadsPerJob", "4", "Downloads in flight for one job"),
        new("Storage:Provider", "sqlite", "sqlite (embedded) or postgres"),
        new("Storage:ConnectionString", "Data Source=aotbot.db", "SQLite: Data Source=<file>; postgres: Host=..;Database=..;Username=..;Password=..", Secret: true),
        new("Imaging:Workers", "0", "Dedicated conversion threads (0 = one per processor)"),
        new("Imaging:JpegQuality", "75", "JPEG quality of converted images"),
        new("Imaging:QueueLimit", "64", "Conversions waiting for a worker before callers wait to enqueue"),
        new("Imaging:MaxPixels", "64000000", "Images declaring more pixels are refused before decoding"),
        new("Slideshow:SecondsPerImage", "3", "Seconds each image shows in a slideshow video (1.5-30; less when the music is shorter, never under 1.5)"),
        new("TikTok:ApiFallbackUrl", "", "aweme_detail API tried when the TikTok page is blocked ({id} = post id, else ?aweme_id=<id>)"),
        new("TikTok:ApiFallbackKey", "", "Key sent to the TikTok fallback API", Secret: true),
        new("TikTok:ApiFallbackKeyHeader", "x-api-key", "Header that carries TikTok:ApiFallbackKey"),
        new("TikTok:ApiFallbackMethod", "GET", "GET, or POST with the form aweme_ids=[<id>] (TikTok's multi/aweme/detail endpoint)"),
        new("TikTok:UserAgents", "", "Browser User-Agents for TikTok pages, the next one tried when a page is blocked (array: TikTok:UserAgents:0, :1, ...; empty: current Chrome and Firefox strings)"),
        new("TikTok:CaptureDir", "", "Folder where unexpected TikTok pages are saved for a bug report (at most 20 files; no cookies); off when empty"),
        new("Instagram:ApiBaseUrl", "", "Instagram downloader API; the bot calls <base>/convert?url=<link>"),
        new("Instagram:ApiKey", "", "x-rapidapi-key of the Instagram API, tried after the keyless paths (none needed for public posts)", Secret: true),
        new("Instagram:ApiHost", "", "x-rapidapi-host header (default: the host of Instagram:ApiBaseUrl)"),
        new("Instagram:Keyless", "true", "Read public posts with no key (app API, embed page, GraphQL) before the API; false: the API only"),
        new("Instagram:GraphqlDocId", "27130156389949648", "GraphQL doc_id of the logged-out post query (Instagram rotates them)"),
        new("Instagram:AppId", "936619743392459", "x-ig-app-id sent to the app API and GraphQL"),
        new("Limits:MaxUploadBytes", "52428800", "Largest file downloaded or uploaded (50 MB cloud, 2000 MB local Bot API)"),
        new("Limits:MaxVideoDurationSeconds", "1800", "Longer videos are refused before download"),
        new("Limits:MemoryBudgetMB", "0", "Resident memory above which new jobs wait (0 = no budget)"),
        new("Limits:IdleTrimSeconds", "30", "After this long with no job running, the bot gives memory back: a full GC, the C heap, unused code pages (0 = never)"),
        new("Limits:MaxJobsPerUser", "3", "Links one user may have in progress; more are refused with a message"),
        new("Limits:MaxConcurrentJobs", "8", "Links the bot works on at once; the rest queue"),
        new("Limits:GroupImageLimit", "10", "Most slideshow images sent to a group (private chats get all)"),
        new("Hosting:ShutdownTimeout", "00:00:25", "Time in-flight work gets after SIGTERM"),
        new("Logging:Format", "plain", "plain or json (JSON lines)"),
        new("Logging:LogLevel:Default", "Information", "Minimum log level (per category: Logging:LogLevel:<category>)"),
    ];
}
