using AotBot.Core;
using AotBot.Hosting;
using YamlDotNet.RepresentationModel;

namespace AotBot.Tests.Deploy;

/// <summary>
/// deploy/compose.yaml and deploy/kubernetes/*.yaml parse as YAML, say what the issue asks of them, and name only
/// settings the bot has, the paths the image uses and README documents.
/// </summary>
public sealed class ManifestSpecs
{
    private static readonly string Deploy = Path.Combine(RepositoryRoot.Path, "deploy");
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlMappingNode Kind(string kind) => Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml")
        .SelectMany(Documents).Single(d => S(d, "kind") == kind);

    private static YamlNode N(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static string S(YamlNode node, params string[] path) => ((YamlScalarNode)N(node, path)).Value!;

    private static bool Has(YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(new YamlScalarNode(key));

    private static YamlMappingNode Container => (YamlMappingNode)((YamlSequenceNode)N(Kind("Deployment"), "spec", "template", "spec", "containers"))[0];

    private static Dictionary<string, string> ContainerEnvironment => ((YamlSequenceNode)N(Container, "env"))
        .ToDictionary(e => S(e, "name"), e => S(e, "value"));

    private static int DockerfilePort =>
        int.Parse(Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile.distroless")))[^1].Where("EXPOSE").Single().Arguments);

    private static readonly TimeSpan Drain = new HostingOptions().ShutdownTimeout;

    [Fact]
    public void Compose_runs_the_bot_after_a_healthy_PostgreSQL_read_only_with_data_on_a_volume_and_time_to_drain()
    {
        // Arrange
        var compose = Assert.Single(Documents(Path.Combine(Deploy, "compose.yaml")));
        var bot = N(compose, "services", "bot");
        var postgres = N(compose, "services", "postgres");

        // Assert
        Assert.Equal("service_healthy", S(bot, "depends_on", "postgres", "condition"));
        Assert.True(Has(postgres, "healthcheck"));
        Assert.Equal("true", S(bot, "read_only"));
        Assert.Contains(((YamlSequenceNode)N(bot, "volumes")).Select(v => ((YamlScalarNode)v).Value), v => v!.EndsWith(":/data"));
        Assert.Equal("SIGTERM", S(bot, "stop_signal"));
        var grace = S(bot, "stop_grace_period");
        Assert.True(TimeSpan.FromSeconds(int.Parse(grace.TrimEnd('s'))) > Drain, $"stop_grace_period {grace}");
        Assert.Equal("postgres", S(bot, "environment", "AOTBOT_Storage__Provider"));
        Assert.Equal($"http://0.0.0.0:{DockerfilePort}", S(bot, "environment", "AOTBOT_Http__Listen"));
        // Secrets come from env files kept out of git; the examples say what goes in them.
        foreach (var service in new[] { bot, postgres })
        {
            var file = S(service, "env_file");
            Assert.True(File.Exists(Path.Combine(Deploy, file + ".example")), $"{file}.example is missing");
        }
        Assert.Contains("deploy/*.env", File.ReadAllText(Path.Combine(RepositoryRoot.Path, ".gitignore")));
        Assert.Contains("BOT_TOKEN=", File.ReadAllText(Path.Combine(Deploy, "aotbot.env.example")));
    }

    [Fact]
    public void The_Deployment_runs_one_locked_down_uid_65532_pod_with_probes_and_time_to_drain()
    {
        // Arrange
        var deployment = Kind("Deployment");
        var pod = N(deployment, "spec", "template", "spec");
        var container = Container;

        // Assert: one poller, replaced rather than rolled.
        Assert.Equal("1", S(deployment, "spec", "replicas"));
        Assert.Equal("Recreate", S(deployment, "spec", "strategy", "type"));
        Assert.True(TimeSpan.FromSeconds(int.Parse(S(pod, "terminationGracePeriodSeconds"))) > Drain);
        foreach (var key in new[] { "runAsUser", "runAsGroup", "fsGroup" })
            Assert.Equal("65532", S(pod, "securityContext", key));
        Assert.Equal("RuntimeDefault", S(pod, "securityContext", "seccompProfile", "type"));
        Assert.Equal("true", S(container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", S(container, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], ((YamlSequenceNode)N(container, "securityContext", "capabilities", "drop")).Select(n => ((YamlScalarNode)n).Value));
        Assert.Equal("/healthz", S(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", S(container, "readinessProbe", "httpGet", "path"));
        var port = (YamlMappingNode)((YamlSequenceNode)N(container, "ports"))[0];
        Assert.Equal(S(port, "name"), S(container, "livenessProbe", "httpGet", "port"));
        Assert.Equal(DockerfilePort.ToString(), S(port, "containerPort"));
        Assert.Equal($"http://0.0.0.0:{DockerfilePort}", ContainerEnvironment["AOTBOT_Http__Listen"]);
    }

    [Fact]
    public void The_token_file_the_pod_reads_is_the_key_its_Secret_mounts()
    {
        // Arrange
        var tokenFile = ContainerEnvironment["AOTBOT_Telegram__TokenFile"];
        var mounts = ((YamlSequenceNode)N(Container, "volumeMounts")).Cast<YamlMappingNode>();
        var volumes = ((YamlSequenceNode)N(Kind("Deployment"), "spec", "template", "spec", "volumes")).Cast<YamlMappingNode>();
        var secret = Kind("Secret");

        // Act
        var mount = mounts.Single(m => tokenFile.StartsWith(S(m, "mountPath") + "/"));
        var volume = volumes.Single(v => S(v, "name") == S(mount, "name"));

        // Assert
        Assert.Equal(S(secret, "metadata", "name"), S(volume, "secret", "secretName"));
        Assert.True(Has(N(secret, "stringData"), Path.GetFileName(tokenFile)));
        Assert.Equal("/data", mounts.Single(m => S(m, "name") != S(mount, "name")).Children[new YamlScalarNode("mountPath")].ToString());
        Assert.Equal("claimName", ((YamlMappingNode)N(volumes.Single(v => Has(v, "persistentVolumeClaim")), "persistentVolumeClaim")).Children.Keys.Single().ToString());
    }

    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").Append(Path.Combine(Deploy, "compose.yaml")))
            data.Add(Path.GetRelativePath(RepositoryRoot.Path, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Every_setting_a_manifest_names_is_one_the_bot_has_and_README_documents(string file)
    {
        // Arrange: every scalar shaped like an environment variable name of ours, keys and values alike.
        var names = new List<string>();
        foreach (var document in Documents(Path.Combine(RepositoryRoot.Path, file)))
            foreach (var scalar in document.AllNodes.OfType<YamlScalarNode>())
                if (scalar.Value is { } value && value.StartsWith("AOTBOT_")) names.Add(value);
        var known = Settings.All.Select(s => s.EnvironmentName).ToHashSet();

        // Assert
        Assert.All(names, name => Assert.True(known.Contains(name) && Readme.Contains(name), $"{file}: {name} is not a documented setting"));
        Assert.Contains(file.StartsWith("deploy/kubernetes") ? "deploy/kubernetes/" : "deploy/compose.yaml", Readme);
        foreach (var path in new[] { "/data", "/healthz", "/readyz" })
            if (File.ReadAllText(Path.Combine(RepositoryRoot.Path, file)).Contains(path)) Assert.Contains(path, Readme);
    }
}
