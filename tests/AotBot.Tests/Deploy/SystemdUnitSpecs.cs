using System.Globalization;
using System.Text.RegularExpressions;
using AotBot.Hosting;
using AotBot.Tests.Smoke;

namespace AotBot.Tests.Deploy;

/// <summary>
/// deploy/systemd/aotbot.service as systemd reads it (systemd-analyze, from the systemd package that build.sh test
/// installs), and its settings against the bot's: no systemd runs as PID 1 here, so the unit is never started.
/// </summary>
public sealed partial class SystemdUnitSpecs : IDisposable
{
    /// <summary>
    /// systemd-analyze security's overall exposure, 0 (locked down) to 10, times ten as --threshold takes it. The unit
    /// scores 1.4; what is left open is what a bot needs (Internet sockets, the host's network, W+X memory for the
    /// runtime). Above 2.0 someone loosened the hardening.
    /// </summary>
    private const int ExposureThreshold = 20;

    private static readonly string UnitPath = Path.Combine(RepositoryRoot.Path, "deploy", "systemd", "aotbot.service");
    private readonly string _dir = Directory.CreateTempSubdirectory("aotbot-unit-").FullName;
    private readonly UnitFile _unit = new(UnitPath);

    /// <summary>The unit as shipped, except ExecStart points at an executable that exists here (verify checks it).</summary>
    private string Staged()
    {
        var executable = PublishedBinary.Directory is { } dir ? Path.Combine(dir, "aotbot") : "/bin/true";
        var staged = Path.Combine(_dir, "aotbot.service");
        File.WriteAllText(staged, _unit.Text.Replace("ExecStart=/opt/aotbot/aotbot", "ExecStart=" + executable));
        Assert.Contains("ExecStart=" + executable, File.ReadAllText(staged));
        return staged;
    }

    private static Task<PublishedBinary.Result> Analyze(params string[] args) =>
        PublishedBinary.RunAsync(args, fileName: "systemd-analyze", timeout: TimeSpan.FromSeconds(60));

    [Fact]
    public async Task systemd_analyze_verify_finds_nothing_wrong_with_the_unit()
    {
        var result = await Analyze("verify", "--man=no", Staged());

        Assert.True(result.ExitCode == 0 && result.Stderr.Trim().Length == 0, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task systemd_analyze_security_rates_the_unit_at_most_the_stated_exposure()
    {
        // Act
        var result = await Analyze("security", "--offline=yes", $"--threshold={ExposureThreshold}", Staged());

        // Assert: the exit code carries the threshold; the printed level says by how much.
        var level = ExposureLevel().Match(result.Stdout);
        Assert.True(level.Success, result.Stdout + result.Stderr);
        var exposure = double.Parse(level.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(result.ExitCode == 0 && exposure * 10 <= ExposureThreshold, $"exposure {exposure} over {ExposureThreshold / 10.0}:\n{result.Stdout}");
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposureLevel();

    [Fact]
    public void Bad_settings_stop_the_unit_instead_of_restarting_it_and_crash_loops_hit_a_start_limit()
    {
        Assert.Equal("on-failure", _unit.Single("Service", "Restart"));
        Assert.Equal(Cli.ExitBadConfiguration.ToString(CultureInfo.InvariantCulture), _unit.Single("Service", "RestartPreventExitStatus"));
        Assert.True(int.Parse(_unit.Single("Unit", "StartLimitBurst")) > 1);
        Assert.True(int.Parse(_unit.Single("Unit", "StartLimitIntervalSec")) > 0);
    }

    [Fact]
    public void systemd_waits_longer_than_the_bots_own_shutdown_timeout()
    {
        var stop = TimeSpan.FromSeconds(int.Parse(_unit.Single("Service", "TimeoutStopSec")));

        Assert.True(stop > new HostingOptions().ShutdownTimeout, $"TimeoutStopSec {stop} is not above Hosting:ShutdownTimeout");
        Assert.Equal("SIGTERM", _unit.Single("Service", "KillSignal"));
    }

    [Fact]
    public void The_memory_ceilings_rise_from_the_bots_budget_through_the_heap_limit_to_the_kernels()
    {
        // Arrange
        var environment = _unit.Environment();
        var budget = long.Parse(environment["AOTBOT_Limits__MemoryBudgetMB"]) << 20;
        var heap = Convert.ToInt64(environment["DOTNET_GCHeapHardLimit"], 16);
        var high = UnitFile.Bytes(_unit.Single("Service", "MemoryHigh"));
        var max = UnitFile.Bytes(_unit.Single("Service", "MemoryMax"));

        // Assert: jobs wait (budget) before the kernel throttles (high) before it kills (max); the heap fits below both.
        Assert.True(budget > 0 && budget < high, $"budget {budget >> 20} MB, MemoryHigh {high >> 20} MB");
        Assert.True(heap < high, $"heap {heap >> 20} MB, MemoryHigh {high >> 20} MB");
        Assert.True(high < max, $"MemoryHigh {high >> 20} MB, MemoryMax {max >> 20} MB");
    }

    [Fact]
    public void Spilled_media_go_to_the_cache_directory_on_disk_and_the_token_comes_from_a_credential()
    {
        var environment = _unit.Environment();
        var credential = _unit.Single("Service", "LoadCredential").Split(':', 2)[0];

        Assert.Equal("/var/cache/" + _unit.Single("Service", "CacheDirectory"), environment["TMPDIR"]);
        Assert.Equal("%d/" + credential, environment["AOTBOT_Telegram__TokenFile"]);
        Assert.DoesNotContain("BOT_TOKEN", _unit.Text.Split('\n').Where(l => !l.StartsWith('#')));
    }

    [Fact]
    public void The_install_comment_installs_every_file_the_build_ships()
    {
        // The published folder holds the binary and the shared libraries beside it (libSkiaSharp.so, libe_sqlite3.so).
        var install = _unit.Text.Split('\n').First(l => l.Contains("install -D -m 755"));

        Assert.Contains("artifacts/linux-x64/aotbot", install);
        Assert.Contains("artifacts/linux-x64/*.so", install);
        if (PublishedBinary.Directory is { } dir)
            Assert.All(Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => f != ".stamp"),
                f => Assert.True(f == "aotbot" || f!.EndsWith(".so"), $"{f} is shipped but not installed"));
    }

    /// <summary>The unit's environment, with the credential directory (%d) a temp folder holding the token file.</summary>
    private Dictionary<string, string?> UnitEnvironment(string token)
    {
        var credentials = Directory.CreateDirectory(Path.Combine(_dir, "credentials")).FullName;
        File.WriteAllText(Path.Combine(credentials, _unit.Single("Service", "LoadCredential").Split(':', 2)[0]), token + "\n");
        var environment = _unit.Environment().ToDictionary(e => e.Key, e => (string?)e.Value.Replace("%d", credentials));
        environment["AOTBOT_Storage__ConnectionString"] = "Data Source=" + Path.Combine(_dir, "aotbot.db");
        environment["TMPDIR"] = _dir;
        return environment;
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_exits_with_the_code_the_unit_will_not_restart_on_when_a_setting_is_bad()
    {
        // Arrange: the unit's own environment, with a malformed token in its credential.
        var environment = UnitEnvironment("123:not-a-token");

        // Act
        var result = await PublishedBinary.RunAsync([], environment);

        // Assert: RestartPreventExitStatus matches, and the journal's last line names the setting.
        Assert.Equal(_unit.Single("Service", "RestartPreventExitStatus"), result.ExitCode.ToString(CultureInfo.InvariantCulture));
        Assert.StartsWith("Telegram:Token is malformed", result.Stderr.Trim());
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("not-a-token", result.Stdout + result.Stderr);
    }

    [PublishedBinaryFact]
    public async Task The_units_own_settings_are_valid_for_the_published_binary()
    {
        var environment = UnitEnvironment("123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY");

        var result = await PublishedBinary.RunAsync(["check-config"], environment);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Limits:MemoryBudgetMB = " + environment["AOTBOT_Limits__MemoryBudgetMB"], result.Stdout);
        Assert.Contains("Telegram:Token = 123456789:***", result.Stdout);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
