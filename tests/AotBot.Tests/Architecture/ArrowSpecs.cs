using System.Text.RegularExpressions;

namespace AotBot.Tests.Architecture;

/// <summary>
/// The layers of src/AotBot and the one direction their imports may point. Data flows update → handler → source →
/// downloader → imaging → sender, and each layer knows only the ones below it:
/// <code>
///   rank 0  Core        metrics, memory budget, idle trimmer, readiness, redaction, settings table, the listener's
///                       endpoint contract, ErrorKey; plus the root namespace AotBot (AotBotException.cs: the typed errors)
///   rank 1  Http, Imaging, Storage, Localization   (side by side: none imports another)
///   rank 2  Sources     (TikTok, Instagram)
///   rank 3  Telegram
///   rank 4  Hosting     the host builder, CLI and its commands, doctor, the listener; plus Program.cs
/// </code>
/// The rule: a file may import its own folder and any folder of a lower rank, nothing else; within rank 1 only the
/// pairs in <see cref="Arrows.Sideways"/> (none today). A folder's sub-namespaces (Sources.TikTok, Imaging.Heif) are
/// that folder. An import is a <c>using [static] [Alias =] AotBot.X…</c> line, a qualified <c>AotBot.X.</c> anywhere
/// in code or doc references, or a partly qualified <c>X.Type</c> (resolved against the AotBot namespace; Telegram.Bot
/// is the library, not ours). Every file's namespace must also be its folder's, so no file leaves its layer by
/// namespace alone.
/// </summary>
public sealed class ArrowSpecs
{
    private static readonly string Source = Path.Combine(RepositoryRoot.Path, "src", "AotBot");

    [Fact]
    public void No_file_in_src_imports_a_layer_above_its_own_or_beside_it()
    {
        // Arrange
        var files = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Source, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("obj/", StringComparison.Ordinal) && !path.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        // Act
        var violations = files.SelectMany(path => Arrows.Check(path, File.ReadAllText(Path.Combine(Source, path)))).ToList();

        // Assert: the scan saw the whole tree (a wrong path would pass vacuously), and nothing points the wrong way
        Assert.True(files.Count > 100, $"only {files.Count} files under {Source}");
        foreach (var layer in Arrows.Rank.Keys)
            Assert.Contains(files, path => path.StartsWith(layer + "/", StringComparison.Ordinal));
        Assert.True(violations.Count == 0, "Imports against the layer order:\n" + string.Join('\n', violations));
    }

    [Theory]
    [InlineData("Http", "Sources")]        // the downloader must not know the sources that feed it
    [InlineData("Localization", "Http")]   // each capability registers its own error keys
    [InlineData("Localization", "Imaging")]
    [InlineData("Imaging", "Http")]        // side by side in rank 1
    [InlineData("Storage", "Localization")]
    [InlineData("Core", "Hosting")]        // the base knows nobody
    [InlineData("Core", "Http")]
    [InlineData("Sources", "Telegram")]
    [InlineData("Telegram", "Hosting")]
    public void The_rule_refuses_an_import_upwards_or_sideways(string from, string to)
    {
        Assert.False(Arrows.Allows(from, to));
    }

    [Theory]
    [InlineData("Http", "Core")]
    [InlineData("Sources", "Http")]
    [InlineData("Sources", "Localization")]
    [InlineData("Telegram", "Imaging")]
    [InlineData("Telegram", "Sources")]
    [InlineData("Hosting", "Telegram")]
    [InlineData("Sources", "Sources")]
    public void The_rule_allows_an_import_downwards(string from, string to)
    {
        Assert.True(Arrows.Allows(from, to));
    }

    [Fact]
    public void The_scan_names_the_file_and_line_of_each_wrong_import()
    {
        // Arrange: every way a file can reach another layer, all pointing up from Http
        const string text = """
            using System.Net;
            using AotBot.Core;
            using AotBot.Sources.TikTok;
            using static AotBot.Telegram.Captions;
            using Bot = AotBot.Hosting.AotBotHost;

            namespace AotBot.Http;

            /// <summary>See <see cref="AotBot.Storage.IBotStore"/>.</summary>
            internal sealed class Bad
            {
                // Hosting.Cli in a plain comment is prose, not an import
                private readonly Telegram.Bot.TelegramBotClient? _library; // the library's namespace, not our layer
                public string Url(Uri url) => $"{Hosting.Redaction.RedactUrl(url)}";
            }
            """;

        // Act
        var violations = Arrows.Check("Http/Bad.cs", text).ToList();

        // Assert
        Assert.Equal(
        [
            "Http/Bad.cs:3: Http imports Sources (using AotBot.Sources.TikTok;)",
            "Http/Bad.cs:4: Http imports Telegram (using static AotBot.Telegram.Captions;)",
            "Http/Bad.cs:5: Http imports Hosting (using Bot = AotBot.Hosting.AotBotHost;)",
            "Http/Bad.cs:9: Http imports Storage (AotBot.Storage.IBotStore)",
            "Http/Bad.cs:14: Http imports Hosting (Hosting.Redaction)",
        ], violations.Select(v => v.ToString()));
    }

    [Theory]
    [InlineData("Sources/TikTok/Moved.cs", "namespace AotBot.Telegram;", "Sources/TikTok/Moved.cs:1: namespace AotBot.Telegram is not its folder's (AotBot.Sources…)")]
    [InlineData("Stray.cs", "namespace AotBot;", "Stray.cs:1: a root-level file with no layer: move it into a folder or give it one in Arrows.RootFiles")]
    [InlineData("Core/Foo.cs", "using AotBot.Plugins;\nnamespace AotBot.Core;", "Core/Foo.cs:1: Core imports Plugins, a layer the rule does not know (using AotBot.Plugins;)")]
    public void The_scan_refuses_a_file_outside_its_layer(string path, string text, string expected)
    {
        Assert.Equal(expected, Assert.Single(Arrows.Check(path, text)).ToString());
    }
}

/// <summary>The layer order of src/AotBot (stated in <see cref="ArrowSpecs"/>) and the scan that enforces it.</summary>
internal static partial class Arrows
{
    public static readonly IReadOnlyDictionary<string, int> Rank = new Dictionary<string, int>
    {
        ["Core"] = 0,
        ["Http"] = 1, ["Imaging"] = 1, ["Storage"] = 1, ["Localization"] = 1,
        ["Sources"] = 2,
        ["Telegram"] = 3,
        ["Hosting"] = 4,
    };

    /// <summary>
    /// Imports allowed between folders of one rank, as (from, to). None: Imaging converts bytes it is handed,
    /// Storage keeps rows, Localization maps errors and texts, Http fetches; what they share lives in Core.
    /// </summary>
    public static readonly IReadOnlySet<(string From, string To)> Sideways = new HashSet<(string, string)>();

    /// <summary>Files directly in src/AotBot and the layer each belongs to.</summary>
    public static readonly IReadOnlyDictionary<string, string> RootFiles = new Dictionary<string, string>
    {
        ["AotBotException.cs"] = "Core",   // namespace AotBot: the typed errors every layer throws or maps
        ["Program.cs"] = "Hosting",        // the entry point: hands the arguments to the CLI
    };

    public static bool Allows(string from, string to) =>
        from == to || Rank[to] < Rank[from] || Sideways.Contains((from, to));

    public sealed record Violation(string Path, int Line, string Message)
    {
        public override string ToString() => $"{Path}:{Line}: {Message}";
    }

    /// <summary>The imports of one file (its path relative to src/AotBot) that break the rule.</summary>
    public static IEnumerable<Violation> Check(string path, string text)
    {
        var folder = path.Contains('/') ? path[..path.IndexOf('/')] : null;
        string layer;
        if (folder is null)
        {
            if (!RootFiles.TryGetValue(path, out var rootLayer))
            {
                yield return new Violation(path, 1, "a root-level file with no layer: move it into a folder or give it one in Arrows.RootFiles");
                yield break;
            }
            layer = rootLayer;
        }
        else if (Rank.ContainsKey(folder))
        {
            layer = folder;
        }
        else
        {
            yield return new Violation(path, 1, $"folder {folder} is no layer the rule knows: add it to Arrows.Rank");
            yield break;
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = i + 1;

            if (NamespaceLine().Match(line) is { Success: true } ns)
            {
                var name = ns.Groups["name"].Value;
                var expected = folder is null ? "AotBot" : "AotBot." + folder;
                var fits = folder is null ? name == "AotBot" : name == expected || name.StartsWith(expected + ".", StringComparison.Ordinal);
                if (!fits) yield return new Violation(path, number, $"namespace {name} is not its folder's ({expected}{(folder is null ? "" : "…")})");
                continue;
            }

            if (UsingLine().Match(line) is { Success: true } import)
            {
                var target = import.Groups["layer"].Value;
                if (!Rank.ContainsKey(target))
                    yield return new Violation(path, number, $"{layer} imports {target}, a layer the rule does not know ({line.Trim()})");
                else if (!Allows(layer, target))
                    yield return new Violation(path, number, $"{layer} imports {target} ({line.Trim()})");
                continue;
            }

            // A whole-line // comment is prose; /// doc comments bind their crefs, so they count.
            var code = line.TrimStart();
            if (code.StartsWith("//", StringComparison.Ordinal) && !code.StartsWith("///", StringComparison.Ordinal)) continue;

            foreach (Match reference in QualifiedReference().Matches(line))
            {
                var target = reference.Groups["layer"].Value;
                if (Rank.ContainsKey(target) && !Allows(layer, target))
                    yield return new Violation(path, number, $"{layer} imports {target} ({reference.Value})");
            }
        }
    }

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[\w.]+)")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(global\s+)?using\s+(static\s+)?(\w+\s*=\s*)?AotBot\.(?<layer>\w+)[\w.]*\s*;")]
    private static partial Regex UsingLine();

    // AotBot.Layer.Type, or Layer.Type as code inside namespace AotBot.* resolves it; not after a dot or a letter
    // (System.Net.Http.HttpClient), and not Telegram.Bot (the library).
    [GeneratedRegex(@"(?<![\w.])(AotBot\.)?(?<layer>Core|Http|Imaging|Storage|Localization|Sources|Hosting|Telegram(?!\.Bot\b))\.[A-Z]\w*")]
    private static partial Regex QualifiedReference();
}
