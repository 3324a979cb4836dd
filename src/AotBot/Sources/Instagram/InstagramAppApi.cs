namespace AotBot.Sources.Instagram;

/// <summary>
/// The app API's answers: <c>/api/v1/oembed/?url=</c> (the post's <c>media_id</c>) and
/// <c>/api/v1/media/&lt;id&gt;/info/</c> (<c>items[0]</c>, the app item shape).
/// </summary>
internal static class InstagramAppApi
{
    /// <summary>The media id an oembed answer names (<c>media_id</c>, like <c>3300000000000000000_25025320</c>: the part before '_'), or null.</summary>
    public static string? ReadOembedMediaId(string body)
    {
        var id = InstagramJson.Parse(body).Text("media_id");
        if (id is null) return null;
        var end = id.IndexOf('_');
        id = end < 0 ? id : id[..end];
        return id.Length > 0 && id.All(char.IsAsciiDigit) ? id : null;
    }

    /// <summary>Reads a media info answer.</summary>
    public static InstagramAnswer ReadInfo(string body)
    {
        var root = InstagramJson.Parse(body);
        if (InstagramJson.Failure(root) is { } failure) return new InstagramAnswer(failure);
        return InstagramAnswer.Of(InstagramJson.FromAppItem(root.Items("items").FirstOrDefault()));
    }
}
