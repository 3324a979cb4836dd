using System.Text.Json;
using AotBot.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace AotBot.Telegram;

/// <summary>
/// Webhook mode (<c>Telegram:Mode=webhook</c>): serves <c>POST</c> on the path of <c>Telegram:WebhookUrl</c> on the
/// listener, checks the secret header in constant time, hands each update to the same <see cref="UpdateDispatcher"/>
/// the polling loop feeds and answers 200 at once (handling runs in the background); registers the webhook with
/// setWebhook when the bot starts.
/// </summary>
/// <remarks>
/// <para>max_connections is 1: Telegram then posts one update at a time, in order, which keeps updates of a chat in
/// order (as polling does) and matches the dispatcher, which drops ids below the highest it has seen. The answer
/// is only an enqueue, so one connection still carries many updates a second.</para>
/// <para>An update arriving while the bot is not taking any (starting, stopping) gets 503, and Telegram delivers it
/// again later, possibly to another instance behind the same load balancer.</para>
/// </remarks>
internal sealed class WebhookReceiver : IUpdateReceiver, IHttpEndpoint
{
    internal const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    internal static readonly UpdateType[] AllowedUpdates =
        [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.InlineQuery, UpdateType.ChosenInlineResult, UpdateType.MyChatMember];
    private static readonly TimeSpan MaxCoolDown = TimeSpan.FromSeconds(30);

    private readonly TelegramOptions _options;
    private readonly BotApi _api;
    private readonly BotMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookReceiver> _logger;
    private readonly WebhookSecret? _secret;
    private readonly Lock _gate = new();
    private UpdateDispatcher? _dispatcher;
    private int _inFlight;
    private TaskCompletionSource? _drained;

    public WebhookReceiver(IOptions<TelegramOptions> options, BotApi api, BotMetrics metrics, TimeProvider time, ILogger<WebhookReceiver> logger)
    {
        _options = options.Value;
        _api = api;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        if (_options.IsWebhook)
        {
            _secret = new WebhookSecret(_options.WebhookSecret);
            Path = new Uri(_options.WebhookUrl).AbsolutePath;
        }
    }

    /// <summary>The path of <c>Telegram:WebhookUrl</c> in webhook mode; null (not served) in polling mode.</summary>
    public string? Path { get; }

    public async Task RunAsync(UpdateDispatcher dispatcher, CancellationToken stoppingToken)
    {
        // Taken from now on: a webhook set by an earlier run may already be posting.
        lock (_gate) _dispatcher = dispatcher;
        try
        {
            await SetWebhookAsync(stoppingToken);
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAcceptingAsync();
        }
    }

    /// <summary>Method and secret, checked before the body is read: without the secret nobody gets a megabyte buffered.</summary>
    public ListenerResponse? Screen(ListenerRequest head)
    {
        if (head.Method != "POST") return ListenerResponse.MethodNotAllowed("POST");
        if (head.Header(SecretHeader) is not { } presented) return Reject(401, "missing-secret", "secret token missing\n");
        if (!_secret!.Matches(presented)) return Reject(403, "wrong-secret", "wrong secret token\n");
        return null;
    }

    public async ValueTask<ListenerResponse> HandleAsync(ListenerRequest request, CancellationToken cancellationToken)
    {
        // Again here: the listener screens only requests with a body, and the check must not depend on the caller.
        if (Screen(request) is { } refused) return refused;
        IncomingUpdate? incoming;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            incoming = IncomingUpdate.Parse(document.RootElement);
        }
        catch (JsonException)
        {
            incoming = null;
        }
        if (incoming is not { } update) return Reject(400, "not-an-update", "not an update\n");

        UpdateDispatcher dispatcher;
        lock (_gate)
        {
            if (_dispatcher is null) return Reject(503, "not-running", "not taking updates now\n");
            dispatcher = _dispatcher;
            _inFlight++;
        }
        try
        {
            await dispatcher.AcceptAsync([update], cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                if (--_inFlight == 0) _drained?.TrySetResult();
            }
        }
        return ListenerResponse.Text(200, "");
    }

    private ListenerResponse Reject(int status, string reason, string text)
    {
        // Debug only: anyone on the internet can make these, and the metric already counts them.
        _logger.WebhookRejected(status, reason);
        _metrics.WebhookRejected(reason);
        return ListenerResponse.Text(status, text);
    }

    /// <summary>
    /// After this no update is taken (they get 503) and every one taken has reached the dispatcher, which the bot
    /// drains next; an update answered 200 is never dropped by a stopping dispatcher.
    /// </summary>
    private async Task StopAcceptingAsync()
    {
        Task drained;
        lock (_gate)
        {
            _dispatcher = null;
            if (_inFlight == 0) return;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }
        await drained;
    }

    private async Task SetWebhookAsync(CancellationToken stoppingToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                await _api.CallAsync("setWebhook", (client, token) => client.SetWebhook(_options.WebhookUrl,
                    maxConnections: 1, allowedUpdates: AllowedUpdates, secretToken: _options.WebhookSecret, cancellationToken: token),
                    stoppingToken);
                _logger.WebhookSet(Redaction.RedactUrl(new Uri(_options.WebhookUrl)), Path!);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Telegram refuses a URL it cannot reach or verify (400 "bad webhook: ..."): say so, keep trying.
                var coolDown = TimeSpan.FromSeconds(Math.Min(MaxCoolDown.TotalSeconds, Math.Pow(2, failures - 1)));
                _logger.SetWebhookFailed(ex.GetType().Name + ": " + Redaction.Redact(ex.Message), coolDown.TotalSeconds);
                await Task.Delay(coolDown, _time, stoppingToken);
            }
        }
    }
}
