namespace AotBot.Tests.Deploy;

/// <summary>A systemd unit file read as systemd reads it: <c>Key=value</c> lines under <c>[Section]</c> headers.</summary>
public sealed class UnitFile
{
    private readonly List<(string Section, string Key, string Value)> _entries = [];

    public UnitFile(string path)
    {
        Text = File.ReadAllText(path);
        var section = "";
        foreach (var raw in Text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith('[')) { section = line.Trim('[', ']'); continue; }
            var equals = line.IndexOf('=');
            _entries.Add((section, line[..equals], line[(equals + 1)..]));
        }
    }

    public string Text { get; }

    /// <summary>Every value of a key in a section, in order (Environment=, SystemCallFilter= repeat).</summary>
    public IReadOnlyList<string> All(string section, string key) =>
        _entries.Where(e => e.Section == section && e.Key == key).Select(e => e.Value).ToList();

    public string Single(string section, string key) => Assert.Single(All(section, key));

    /// <summary>The <c>Environment=NAME=value</c> lines of [Service], with systemd's <c>\x20</c> escape undone.</summary>
    public Dictionary<string, string> Environment() =>
        All("Service", "Environment").Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Replace("\\x20", " "));

    /// <summary>A size as systemd reads MemoryHigh=/MemoryMax= (K, M, G suffixes, base 1024), in bytes.</summary>
    public static long Bytes(string size) => size[^1] switch
    {
        'K' => long.Parse(size[..^1]) << 10,
        'M' => long.Parse(size[..^1]) << 20,
        'G' => long.Parse(size[..^1]) << 30,
        _ => long.Parse(size),
    };
}
