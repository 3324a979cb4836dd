using System.Text;
using System.Text.RegularExpressions;

namespace AotBot.Tests.Deploy;

/// <summary>
/// .dockerignore as Docker (moby/patternmatcher) applies it: each line a pattern relative to the context root,
/// <c>*</c> and <c>?</c> within one path element, <c>**</c> across any number of them, a leading <c>!</c> lets
/// back in; the last pattern that matches a path or one of its parent folders decides.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclusion)> _patterns = [];

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var exclusion = line.StartsWith('!');
            if (exclusion) line = line[1..].Trim();
            _patterns.Add((ToRegex(Clean(line)), exclusion));
        }
    }

    /// <summary>True when the file or folder at <paramref name="path"/> (relative, '/'-separated) is sent to the builder.</summary>
    public bool Includes(string path)
    {
        var parents = Parents(path).ToList();
        var excluded = false;
        foreach (var (pattern, exclusion) in _patterns)
        {
            // Docker's MatchesOrParentMatches: a pattern that names a folder takes everything below it.
            if (parents.Any(p => pattern.IsMatch(p))) excluded = !exclusion;
        }
        return !excluded;
    }

    private static IEnumerable<string> Parents(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i <= parts.Length; i++) yield return string.Join('/', parts[..i]);
    }

    // filepath.Clean of the pattern, with the leading "/" Docker strips.
    private static string Clean(string pattern)
    {
        var parts = new List<string>();
        foreach (var part in pattern.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == ".." && parts.Count > 0) parts.RemoveAt(parts.Count - 1);
            else parts.Add(part);
        }
        return string.Join('/', parts);
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                // "**/" matches zero or more folders; a trailing "**" everything below.
                if (i + 1 < pattern.Length && pattern[i + 1] == '/') { i++; regex.Append("(.*/)?"); }
                else regex.Append(".*");
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else if (c == '\\' && i + 1 < pattern.Length) regex.Append(Regex.Escape(pattern[++i].ToString()));
            else if (c == '[')
            {
                var end = pattern.IndexOf(']', i);
                regex.Append(pattern[i..(end + 1)]);
                i = end;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
