namespace AotBot.Sources;

/// <summary>Reading one parameter of a URL's query, as the sites' redirects write them.</summary>
internal static class UrlQuery
{
    /// <summary>The first value of <paramref name="name"/> (case-insensitive), unescaped with '+' as a space; null when absent.</summary>
    public static string? Value(Uri url, string name)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&'))
        {
            if (pair.Length > name.Length && pair[name.Length] == '=' && pair.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                return Uri.UnescapeDataString(pair[(name.Length + 1)..].Replace('+', ' '));
        }
        return null;
    }
}
