using System.Text;
using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>
/// Captions as Telegram HTML. Every user-supplied string is escaped and cut to a budget first, so a caption stays
/// within Telegram's 1024 characters whatever the link or name.
/// </summary>
internal static class Captions
{
    public const int MaxLength = 1024;
    private const int MaxLinkLength = 512;
    private const int MaxNameLength = 128;

    /// <summary>The seed's result caption: <c>&lt;b&gt;{bot_tag}&lt;/b&gt;[ {preview}]\n{link}</c>.</summary>
    public static string Result(string botTag, string? preview, Uri link)
    {
        var head = $"<b>{Escape(Cut(botTag, MaxNameLength))}</b>";
        if (!string.IsNullOrEmpty(preview)) head += " " + Escape(Cut(preview, MaxNameLength));
        return head + "\n" + Link(link);
    }

    /// <summary>A link as message text: escaped and cut to a budget, so a 4000-character link cannot push a message past Telegram's limit.</summary>
    public static string Link(Uri link) => Escape(Cut(link.ToString(), MaxLinkLength));

    /// <summary>The bot tag alone, bold (music captions).</summary>
    public static string Tag(string botTag) => $"<b>{Escape(Cut(botTag, MaxNameLength))}</b>";

    /// <summary>The storage channel's caption: <c>User: &lt;full name&gt; (@&lt;username&gt;, &lt;id&gt;)\nLink: &lt;link&gt;</c>.</summary>
    public static string Storage(User user, Uri link)
    {
        var name = Cut(string.Join(' ', new[] { user.FirstName, user.LastName }.Where(n => !string.IsNullOrEmpty(n))), MaxNameLength);
        var who = user.Username is { Length: > 0 } username ? $"@{Escape(username)}, {user.Id}" : user.Id.ToString();
        return $"User: {Escape(name)} ({who})\nLink: {Link(link)}";
    }

    /// <summary>Escapes text for Telegram's HTML parse mode (only &amp;, &lt;, &gt; and &quot; need it).</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"") < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>At most <paramref name="max"/> UTF-16 units, "…" included; never half of a surrogate pair (an emoji).</summary>
    internal static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var keep = max - 1;
        if (char.IsHighSurrogate(text[keep - 1])) keep--;
        return text[..keep] + "…";
    }
}
