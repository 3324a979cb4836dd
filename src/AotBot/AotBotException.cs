namespace AotBot;

/// <summary>Base of every error the bot turns into a message for the user (see Localization's error map).</summary>
public class AotBotException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The text holds no link any source supports, or the link's id could not be found.</summary>
public class UnsupportedLinkException(string message) : AotBotException(message);

/// <summary>The post does not exist any more (deleted, under review, removed).</summary>
public class MediaDeletedException(string message) : AotBotException(message);

/// <summary>The post or its account is private.</summary>
public class MediaPrivateException(string message) : AotBotException(message);

/// <summary>The post is not available in the server's region.</summary>
public class MediaRegionBlockedException(string message) : AotBotException(message);

/// <summary>The post exists but cannot be served for another reason.</summary>
public class MediaUnavailableException(string message) : AotBotException(message);

/// <summary>The post is for adults only: the site serves it to logged-in users only.</summary>
public class MediaAgeRestrictedException(string message) : MediaUnavailableException(message);

/// <summary>The site refused us (captcha/WAF page, 429 after retries).</summary>
public class RateLimitedException(string message, Exception? inner = null) : AotBotException(message, inner);

/// <summary>The network failed in a way retries did not fix.</summary>
public class NetworkException(string message, Exception? inner = null) : AotBotException(message, inner);

/// <summary>The page answered but the data the bot needs is missing or malformed.</summary>
public class MediaExtractionException(string message) : AotBotException(message);

/// <summary>The video is longer than <c>Limits:MaxVideoDurationSeconds</c>.</summary>
public class MediaTooLongException(TimeSpan duration) : AotBotException($"The video lasts {duration}, over the limit.")
{
    public TimeSpan Duration { get; } = duration;
}

/// <summary>The file is larger than <c>Limits:MaxUploadBytes</c>.</summary>
public class MediaTooLargeException(long? bytes) : AotBotException($"The file is {bytes?.ToString() ?? "over the limit in"} bytes.")
{
    public long? Bytes { get; } = bytes;
}

/// <summary>The source is switched off (e.g. Instagram without an API key).</summary>
public class SourceNotConfiguredException(string source) : AotBotException($"The {source} source is not configured.")
{
    public string SourceName { get; } = source;
}
