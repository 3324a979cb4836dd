namespace AotBot.Sources.Instagram;

/// <summary>The downloader API does not know the post (deleted, private or a wrong link): <c>error_instagram_not_found</c>.</summary>
public sealed class InstagramNotFoundException(string message) : MediaDeletedException(message);
