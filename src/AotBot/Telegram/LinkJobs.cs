using AotBot.Core;
using AotBot.Sources.TikTok;
using AotBot.Sources;
using Microsoft.Extensions.Logging;
using Telegram.Bot;

namespace AotBot.Telegram;

/// <summary>
/// Turns links into jobs: admission against the user's limit, a bot-wide slot, extraction by the link's source,
/// delivery by <see cref="MediaSender"/>, and the error message (private chats) or log line (groups) when it fails.
/// </summary>
internal sealed class LinkJobs(
    MediaSources sources,
    MediaSender sender,
    JobLimiter limiter,
    ErrorMessages errors,
    BotApi api,
    BotMetrics metrics,
    ILogger<LinkJobs> logger)
{
    /// <summary>Starts one job per link while the user has room; the rest get <c>error_queue_full</c> once.</summary>
    public async Task<Handled> StartAsync(ChatRequest request, IReadOnlyList<Uri> links, CancellationToken cancellationToken)
    {
        var work = new List<Task>(links.Count);
        foreach (var link in links)
        {
            if (await limiter.TryAdmitAsync(request.User.Id, cancellationToken) is not { } lease)
            {
                logger.QueueFull(request.User.Id, limiter.MaxJobsPerUser);
                metrics.JobFinished(UnknownKind, "error_queue_full");
                if (request.IsPrivate)
                    await api.SendTextAsync(request, QueueFullText(request.Language), cancellationToken);
                break;
            }
            work.Add(Task.Run(() => RunAsync(request, link, lease, cancellationToken), CancellationToken.None));
        }
        return new Handled(Task.WhenAll(work));
    }

    /// <summary>
    /// The music button (<c>music_&lt;post id&gt;</c>), whose callback query the caller has already answered: Telegram
    /// refuses a late answer and shows a spinner until one comes, so nothing here waits on the answer. Failures reach
    /// the user as a message (private chats; groups: the log only, as for links).
    /// </summary>
    public async Task<Handled> StartMusicAsync(ChatRequest request, string postId, CancellationToken cancellationToken)
    {
        if (await limiter.TryAdmitAsync(request.User.Id, cancellationToken) is not { } lease)
        {
            logger.QueueFull(request.User.Id, limiter.MaxJobsPerUser);
            metrics.JobFinished("music", "error_queue_full");
            if (request.IsPrivate)
                await api.SendTextAsync(request, QueueFullText(request.Language), cancellationToken);
            return Handled.Done;
        }
        return new Handled(Task.Run(async () =>
        {
            await using (lease)
            using (await limiter.EnterAsync(cancellationToken))
            {
                try
                {
                    var id = TikTokPostId.TryParse(postId) ?? throw new UnsupportedLinkException("The music button holds no TikTok post id.");
                    await sender.SendMusicAsync(request, TikTokMapping.SourceName, id.Value,
                        token => sources.ExtractAsync(id.PageUrl, token), cancellationToken);
                    metrics.JobFinished("music", "ok");
                }
                catch (Exception ex) when (!IsStopping(ex, cancellationToken))
                {
                    var key = Report(request, ex, link: null);
                    metrics.JobFinished("music", key ?? ChatClosedOutcome);
                    if (key is not null && request.IsPrivate)
                        await TrySendErrorAsync(request, errors.Text(request.Language, key), cancellationToken);
                }
            }
        }, CancellationToken.None));
    }

    private async Task RunAsync(ChatRequest request, Uri link, IAsyncDisposable lease, CancellationToken cancellationToken)
    {
        await using (lease)
        using (await limiter.EnterAsync(cancellationToken))
        {
            MediaPost? post = null;
            try
            {
                post = await sources.ExtractAsync(link, cancellationToken);
                await sender.SendPostAsync(request, post, cancellationToken);
                metrics.JobFinished(KindOf(post), "ok");
            }
            catch (Exception ex) when (!IsStopping(ex, cancellationToken))
            {
                var key = Report(request, ex, link);
                metrics.JobFinished(KindOf(post), key ?? ChatClosedOutcome);
                // Groups stay silent on errors: the log has them.
                if (key is not null && request.IsPrivate)
                    await TrySendErrorAsync(request, errors.Text(request.Language, key, link), cancellationToken);
            }
        }
    }

    /// <summary>Logs a failed job; returns the locale key to show, or null when there is nobody to tell.</summary>
    private string? Report(ChatRequest request, Exception error, Uri? link)
    {
        if (error is ChatClosedException closed)
        {
            logger.ChatClosed(closed.ChatId, closed.Message);
            return null;
        }
        var key = errors.KeyFor(error);
        if (error is AotBotException)
            logger.JobFailed(request.ChatId, error.GetType().Name, key, error.Message);
        else
            logger.JobCrashed(request.ChatId, error.GetType().Name, error.Message);
        return key;
    }

    private string QueueFullText(string language) => errors.Text(language, "error_queue_full");

    private async Task TrySendErrorAsync(ChatRequest request, string text, CancellationToken cancellationToken)
    {
        try
        {
            await api.SendTextAsync(request, text, cancellationToken);
        }
        catch (Exception ex) when (!IsStopping(ex, cancellationToken))
        {
            Report(request, ex, link: null);
        }
    }

    // Metric labels (aotbot_jobs_total): the kind before the post is known, and the outcome of a chat that closed.
    internal const string UnknownKind = "unknown";
    private const string ChatClosedOutcome = "chat_closed";

    /// <summary>The <c>kind</c> label of a link job's metric: <c>video</c> or <c>slideshow</c>, unknown before extraction.</summary>
    internal static string KindOf(MediaPost? post) => post switch
    {
        Video => "video",
        Slideshow => "slideshow",
        _ => UnknownKind,
    };

    internal static bool IsStopping(Exception error, CancellationToken cancellationToken) =>
        error is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
