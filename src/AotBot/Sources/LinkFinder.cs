using System.Diagnostics.CodeAnalysis;

namespace AotBot.Sources;

/// <summary>
/// A link Telegram marked in a message: a <c>url</c> entity (<see cref="Url"/> null: the text at
/// <see cref="Offset"/>/<see cref="Length"/> is the link) or a <c>text_link</c> (<see cref="Url"/> is the link).
/// Offset and length count UTF-16 code units, as Telegram does and as .NET strings index.
/// </summary>
public readonly record struct MessageLink(int Offset, int Length, string? Url = null);

/// <summary>
/// Finds the links of a message that a source supports: in its text or caption and in its entities, in the order
/// they appear, deduplicated, at most <see cref="DefaultMaxLinks"/>. Only http(s) links count; others are ignored.
/// </summary>
public sealed class LinkFinder(MediaSources sources)
{
    /// <summary>How many links one message may ask for.</summary>
    public const int DefaultMaxLinks = 10;

    private const string OpeningPunctuation = "([{<\"'«“‘";
    private const string ClosingPunctuation = ".,;:!?)]}>\"'»”’…";

    /// <summary>The supported links of a message, in order of appearance.</summary>
    /// <param name="text">The message text or caption.</param>
    /// <param name="entities">The message's <c>url</c> and <c>text_link</c> entities, if any.</param>
    /// <param name="maxLinks">The most links returned; the scan stops there.</param>
    public IReadOnlyList<Uri> Find(string? text, IReadOnlyList<MessageLink>? entities = null, int maxLinks = DefaultMaxLinks)
    {
        text ??= "";
        var found = new List<Uri>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var marked = SortedByOffset(entities);
        var next = 0;

        var position = 0;
        while (position < text.Length && found.Count < maxLinks)
        {
            if (char.IsWhiteSpace(text[position]))
            {
                position++;
                continue;
            }
            var end = position;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;

            // Entities that start before this word or inside it come first: a text_link's text sits where its link does.
            while (next < marked.Length && marked[next].Offset < end && found.Count < maxLinks)
                Add(EntityLink(text, marked[next++]));
            if (found.Count < maxLinks) Add(WordLink(text.AsSpan(position, end - position)));
            position = end;
        }
        while (next < marked.Length && found.Count < maxLinks)
            Add(EntityLink(text, marked[next++]));
        return found;

        void Add(string? candidate)
        {
            if (!TryCreateHttpUrl(candidate, out var url) || url.IdnHost.Length == 0) return;
            if (sources.Find(url) is null || !seen.Add(DuplicateKey(url))) return;
            found.Add(url);
        }
    }

    /// <summary>Parses an absolute http or https URL; false for anything else (<c>javascript:</c>, <c>file:</c>, relative).</summary>
    public static bool TryCreateHttpUrl([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Uri? url)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
            return true;
        url = null;
        return false;
    }

    // One link pasted as http and https, or with and without its trailing slash, is still one link.
    private static string DuplicateKey(Uri url) => url.IdnHost + url.AbsolutePath.TrimEnd('/') + url.Query;

    private static MessageLink[] SortedByOffset(IReadOnlyList<MessageLink>? entities)
    {
        if (entities is null || entities.Count == 0) return [];
        var sorted = entities.ToArray();
        Array.Sort(sorted, static (a, b) => a.Offset.CompareTo(b.Offset));
        return sorted;
    }

    private static string? EntityLink(string text, MessageLink entity)
    {
        if (entity.Url is not null) return entity.Url.Trim();
        if (entity.Offset < 0 || entity.Length <= 0 || entity.Offset > text.Length - entity.Length) return null;
        var link = text.AsSpan(entity.Offset, entity.Length).Trim();
        // Telegram marks "vm.tiktok.com/ZM..." without a scheme as a url entity too.
        return link.Contains("://", StringComparison.Ordinal) ? link.ToString() : "https://" + link.ToString();
    }

    /// <summary>The link a whitespace-free word holds: from its <c>http(s)://</c>, or a bare <c>host.tld/path</c>.</summary>
    private static string? WordLink(ReadOnlySpan<char> word)
    {
        var start = FindScheme(word);
        if (start >= 0) return TrimClosing(word[start..]).ToString();

        word = word.TrimStart(OpeningPunctuation);
        var slash = word.IndexOf('/');
        if (slash <= 0) return null;
        var host = word[..slash];
        if (!char.IsAsciiLetterOrDigit(host[0]) || !host.Contains('.') || host.ContainsAnyExcept(HostCharacters)) return null;
        return "https://" + TrimClosing(word).ToString();
    }

    private static readonly System.Buffers.SearchValues<char> HostCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

    // "https://" not glued to a word or another scheme: "javascript:https://..." and "xhttps://..." are not links.
    private static int FindScheme(ReadOnlySpan<char> word)
    {
        var offset = 0;
        while (true)
        {
            var index = word[offset..].IndexOf("http", StringComparison.OrdinalIgnoreCase);
            if (index < 0) return -1;
            index += offset;
            var rest = word[index..];
            var isScheme = rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            if (isScheme && (index == 0 || OpeningPunctuation.Contains(word[index - 1]))) return index;
            offset = index + 4;
        }
    }

    private static ReadOnlySpan<char> TrimClosing(ReadOnlySpan<char> link) => link.TrimEnd(ClosingPunctuation);
}
