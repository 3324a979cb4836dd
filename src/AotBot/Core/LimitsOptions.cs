using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Core;

/// <summary>Limits shared by every capability (section <c>Limits</c>).</summary>
public sealed record LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest file the bot downloads or uploads; 50 MB on the cloud Bot API, up to 2000 MB with a local server.</summary>
    [Range(1024L, 2_097_152_000L,
        ErrorMessage = "Limits:MaxUploadBytes must be between 1024 and 2097152000: set AOTBOT_Limits__MaxUploadBytes")]
    public long MaxUploadBytes { get; set; } = 52_428_800;

    /// <summary>Videos longer than this are refused before they are downloaded.</summary>
    [Range(1, 86_400,
        ErrorMessage = "Limits:MaxVideoDurationSeconds must be between 1 and 86400: set AOTBOT_Limits__MaxVideoDurationSeconds")]
    public int MaxVideoDurationSeconds { get; set; } = 1800;

    /// <summary>Resident memory above which new jobs wait for running ones to finish; 0 = no budget.</summary>
    [Range(0, 1_048_576, ErrorMessage = "Limits:MemoryBudgetMB must be between 0 and 1048576: set AOTBOT_Limits__MemoryBudgetMB")]
    public int MemoryBudgetMB { get; set; }

    /// <summary>Seconds with no job running after which the bot gives memory back to the system; 0 = never.</summary>
    [Range(0, 86_400, ErrorMessage = "Limits:IdleTrimSeconds must be between 0 and 86400: set AOTBOT_Limits__IdleTrimSeconds")]
    public int IdleTrimSeconds { get; set; } = 30;

    /// <summary>Links one user may have in progress at once; more get <c>error_queue_full</c>.</summary>
    [Range(1, 100, ErrorMessage = "Limits:MaxJobsPerUser must be between 1 and 100: set AOTBOT_Limits__MaxJobsPerUser")]
    public int MaxJobsPerUser { get; set; } = 3;

    /// <summary>Links the whole bot works on at once; the rest wait their turn.</summary>
    [Range(1, 1000, ErrorMessage = "Limits:MaxConcurrentJobs must be between 1 and 1000: set AOTBOT_Limits__MaxConcurrentJobs")]
    public int MaxConcurrentJobs { get; set; } = 8;

    /// <summary>Most slideshow images sent to a group; private chats get them all.</summary>
    [Range(1, 100, ErrorMessage = "Limits:GroupImageLimit must be between 1 and 100: set AOTBOT_Limits__GroupImageLimit")]
    public int GroupImageLimit { get; set; } = 10;
}

[OptionsValidator]
internal sealed partial class LimitsOptionsValidator : IValidateOptions<LimitsOptions>;
