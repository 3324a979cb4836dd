using System.Text.Json;

namespace AotBot.Sources.Instagram;

/// <summary>One photo or video of a post, as any keyless path reads it.</summary>
internal sealed record InstagramItem(bool IsVideo, Uri Url, int? Width, int? Height, double? DurationSeconds, Uri? Cover);

/// <summary>A post as a keyless path read it: its items in order (one for a reel or photo), caption and author.</summary>
internal sealed record InstagramPostData(IReadOnlyList<InstagramItem> Items, string? Caption, string? Username, string? FullName);

/// <summary>How one path's answer for one post ended (the metric's and the extract verb's <c>outcome</c>).</summary>
internal enum InstagramOutcome { Ok, LoginRedirect, NotFound, Private, NoMedia, RateLimited, Network }

/// <summary>What one path made of its answer: a post (<see cref="InstagramOutcome.Ok"/>) or why not.</summary>
internal sealed record InstagramAnswer(InstagramOutcome Outcome, InstagramPostData? Post = null)
{
    public static InstagramAnswer Of(InstagramPostData? post) => post is null ? new(InstagramOutcome.NoMedia) : new(InstagramOutcome.Ok, post);
}

/// <summary>
/// Reads the two JSON shapes Instagram describes a post in: the app API's item (<c>media_type</c>,
/// <c>video_versions</c>, <c>image_versions2.candidates</c>, <c>carousel_media</c>) and the web's
/// <c>shortcode_media</c> (<c>is_video</c>, <c>video_url</c>, <c>display_url</c>, <c>edge_sidecar_to_children</c>).
/// Missing, null and extra fields are tolerated; a post whose every item cannot be read is no post (null), so the next
/// path gets its turn rather than a post with holes in it.
/// </summary>
internal static class InstagramJson
{
    /// <summary>An app API item (<c>items[0]</c> of <c>/media/&lt;id&gt;/info/</c>); null when it holds no complete media.</summary>
    public static InstagramPostData? FromAppItem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        var children = item.Items("carousel_media").ToList();
        var items = new List<InstagramItem>();
        foreach (var child in children.Count > 0 ? children : [item])
        {
            if (AppItem(child) is not { } read) return null;
            items.Add(read);
        }
        var user = item.Object("user");
        return new InstagramPostData(items, item.Object("caption").Text("text"), user.Text("username"), user.Text("full_name"));
    }

    private static InstagramItem? AppItem(JsonElement item)
    {
        var image = Largest(item.Object("image_versions2").Items("candidates"));
        // media_type 2 is a video; an item with video_versions is one even when media_type is missing.
        var video = Largest(item.Items("video_versions"));
        var isVideo = item.Int("media_type") == 2 || video is not null;
        if (isVideo)
        {
            if (video is not { } file) return null;
            return new InstagramItem(true, file.Url, file.Width ?? item.Int("original_width"), file.Height ?? item.Int("original_height"),
                item.Real("video_duration"), image?.Url);
        }
        return image is { } picture
            ? new InstagramItem(false, picture.Url, picture.Width ?? item.Int("original_width"), picture.Height ?? item.Int("original_height"), null, null)
            : null;
    }

    // The app lists renditions largest first, but not every copy does: take the widest readable one.
    private static (Uri Url, int? Width, int? Height)? Largest(IEnumerable<JsonElement> renditions)
    {
        (Uri Url, int? Width, int? Height)? best = null;
        foreach (var rendition in renditions)
        {
            if (!LinkFinder.TryCreateHttpUrl(rendition.Text("url"), out var url)) continue;
            var width = rendition.Int("width");
            if (best is null || (width ?? 0) > (best.Value.Width ?? 0)) best = (url, width, rendition.Int("height"));
        }
        return best;
    }

    /// <summary>A web <c>shortcode_media</c> (embed page, GraphQL); null when it holds no complete media.</summary>
    public static InstagramPostData? FromShortcodeMedia(JsonElement media)
    {
        if (media.ValueKind != JsonValueKind.Object) return null;
        var children = media.Object("edge_sidecar_to_children").Items("edges").Select(edge => edge.Object("node")).ToList();
        var items = new List<InstagramItem>();
        foreach (var child in children.Count > 0 ? children : [media])
        {
            // Albums with several videos may list a video without video_url: that copy is incomplete.
            if (WebItem(child) is not { } read) return null;
            items.Add(read);
        }
        var caption = media.Object("edge_media_to_caption").Items("edges").Select(edge => edge.Object("node").Text("text")).FirstOrDefault(text => text is not null);
        var owner = media.Object("owner");
        return new InstagramPostData(items, caption, owner.Text("username"), owner.Text("full_name"));
    }

    private static InstagramItem? WebItem(JsonElement node)
    {
        var dimensions = node.Object("dimensions");
        LinkFinder.TryCreateHttpUrl(node.Text("display_url"), out var display);
        if (node.Flag("is_video"))
        {
            return LinkFinder.TryCreateHttpUrl(node.Text("video_url"), out var video)
                ? new InstagramItem(true, video, dimensions.Int("width"), dimensions.Int("height"), node.Real("video_duration"), display)
                : null;
        }
        return display is null ? null : new InstagramItem(false, display, dimensions.Int("width"), dimensions.Int("height"), null, null);
    }

    /// <summary>Either shape, told apart by their fields (GraphQL answers in both, and wraps the app shape in <c>items</c>).</summary>
    public static InstagramPostData? FromEither(JsonElement element)
    {
        if (element.Items("items").FirstOrDefault() is { ValueKind: JsonValueKind.Object } first) return FromAppItem(first);
        return element.Property("__typename").Exists() || element.Property("display_url").Exists() || element.Property("is_video").Exists()
            ? FromShortcodeMedia(element)
            : FromAppItem(element);
    }

    /// <summary>Parses a JSON document; an undefined element when it is not JSON.</summary>
    public static JsonElement Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return default;
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>
    /// <c>{"status":"fail","message":…}</c>: the post is gone, or (its message says so) private or restricted to
    /// adults, or the anonymous limit (<c>require_login</c>); null for any other answer.
    /// </summary>
    public static InstagramOutcome? Failure(JsonElement root)
    {
        if (root.Text("status") != "fail") return null;
        var message = root.Text("message") ?? "";
        if (root.Flag("require_login") || message.Contains("login", StringComparison.OrdinalIgnoreCase)) return InstagramOutcome.LoginRedirect;
        return message.Contains("private", StringComparison.OrdinalIgnoreCase) || message.Contains("restricted", StringComparison.OrdinalIgnoreCase)
            ? InstagramOutcome.Private
            : InstagramOutcome.NotFound;
    }
}
