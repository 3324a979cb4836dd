namespace AotBot.Http;

/// <summary>One downloadable file: the first URL, then fallbacks tried in order. <paramref name="IsVideo"/>: a video item of an album.</summary>
public sealed record MediaFile(IReadOnlyList<Uri> Urls, int? Width = null, int? Height = null, bool IsVideo = false);
