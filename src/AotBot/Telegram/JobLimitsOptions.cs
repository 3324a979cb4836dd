using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>How much work the bot takes on (section <c>Limits</c>, shared with <see cref="Hosting.LimitsOptions"/>).</summary>
public sealed record JobLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Links one user may have in progress at once; more get <c>error_queue_full</c>.</summary>
    public int MaxJobsPerUser { get; set; } = 3;

    /// <summary>Links the whole bot works on at once; the rest wait their turn.</summary>
    public int MaxConcurrentJobs { get; set; } = 8;

    /// <summary>Most slideshow images sent to a group (private chats get them all).</summary>
    public int GroupImageLimit { get; set; } = 10;
}

// Hand-written: the generated validator words range failures after the record's name, and this record shares its
// section with LimitsOptions.
internal sealed class JobLimitsOptionsValidator : IValidateOptions<JobLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobLimitsOptions options)
    {
        var failures = new List<string>();
        Check(options.MaxJobsPerUser, 1, 100, "MaxJobsPerUser", failures);
        Check(options.MaxConcurrentJobs, 1, 1000, "MaxConcurrentJobs", failures);
        Check(options.GroupImageLimit, 1, 100, "GroupImageLimit", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(int value, int min, int max, string key, List<string> failures)
    {
        if (value < min || value > max)
            failures.Add($"Limits:{key} must be between {min} and {max}: set AOTBOT_Limits__{key}");
    }
}
