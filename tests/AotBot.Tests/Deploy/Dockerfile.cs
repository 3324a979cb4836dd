namespace AotBot.Tests.Deploy;

/// <summary>One Dockerfile instruction: its keyword, its flags (<c>--platform=…</c>, <c>--mount=…</c>) and the rest.</summary>
public sealed record Instruction(string Keyword, IReadOnlyList<string> Flags, string Arguments);

/// <summary>One build stage: the FROM line and what follows it up to the next FROM.</summary>
public sealed record Stage(string Image, string? Name, string? Platform, IReadOnlyList<Instruction> Instructions)
{
    public IEnumerable<Instruction> Where(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    /// <summary>ENV NAME=value pairs of the stage (quotes removed), in order.</summary>
    public Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>();
        foreach (var env in Where("ENV"))
            foreach (var word in Dockerfile.Words(env.Arguments))
            {
                var equals = word.IndexOf('=');
                environment[word[..equals]] = word[(equals + 1)..];
            }
        return environment;
    }

    /// <summary>ARG NAME[=default] of the stage.</summary>
    public Dictionary<string, string?> Args() => Where("ARG").Select(a => a.Arguments.Split('=', 2))
        .ToDictionary(p => p[0], p => p.Length > 1 ? p[1].Trim('"') : null);
}

/// <summary>
/// A Dockerfile read the way BuildKit's parser does for what these specs need: comments dropped, backslash line
/// continuations joined, leading <c>--flag</c> words split off, one stage per FROM.
/// </summary>
public static class Dockerfile
{
    public static IReadOnlyList<Stage> Parse(string text)
    {
        var instructions = new List<Instruction>();
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue;
            if (line.EndsWith('\\')) { pending += line[..^1] + " "; continue; }
            var logical = (pending + line).Trim();
            pending = "";
            if (logical.Length == 0) continue;
            var words = logical.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            var rest = words.Length > 1 ? words[1].Trim() : "";
            var flags = new List<string>();
            while (rest.StartsWith("--"))
            {
                var end = rest.IndexOf(' ');
                flags.Add(end < 0 ? rest : rest[..end]);
                rest = end < 0 ? "" : rest[(end + 1)..].TrimStart();
            }
            instructions.Add(new Instruction(words[0].ToUpperInvariant(), flags, System.Text.RegularExpressions.Regex.Replace(rest, @"\s+", " ")));
        }

        var stages = new List<Stage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var parts = instruction.Arguments.Split(' ');
                var platform = instruction.Flags.FirstOrDefault(f => f.StartsWith("--platform="))?["--platform=".Length..];
                stages.Add(new Stage(parts[0], parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null, platform, new List<Instruction>()));
            }
            else if (stages.Count > 0)
            {
                ((List<Instruction>)stages[^1].Instructions).Add(instruction);
            }
        }
        return stages;
    }

    /// <summary>Space-separated words, with double quotes grouping and removed (as ENV and LABEL read them).</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') { quoted = !quoted; continue; }
            if (c == ' ' && !quoted)
            {
                if (word.Length > 0) yield return word.ToString();
                word.Clear();
                continue;
            }
            word.Append(c);
        }
        if (word.Length > 0) yield return word.ToString();
    }
}
