using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace AotBot.Tests.Native;

/// <summary>
/// The native build needs nothing from outside the checkout: every source file native/versions pins is vendored in
/// native/sources/ with that sha256, and no step of the build path downloads (Debian rotating a revision once left a
/// fresh machine unable to build).
/// </summary>
public sealed partial class NativeSourcesSpecs
{
    private static readonly string NativeDir = Path.Combine(RepositoryRoot.Path, "native");

    private sealed record Pin(string Package, string Version, string File, string Sha256);

    private static List<Pin> ReadPins(string versionsFile) =>
        File.ReadAllLines(versionsFile)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(parts => new Pin(parts[0], parts[1], parts[2], parts[3]))
            .ToList();

    [Fact]
    public void Every_pinned_source_file_is_vendored_with_its_sha256()
    {
        var pins = ReadPins(Path.Combine(NativeDir, "versions"));

        // libde265, libheif, dav1d, libjpeg-turbo and openh264, each an upstream tarball plus Debian's packaging.
        Assert.Equal(["dav1d", "libde265", "libheif", "libjpeg-turbo", "openh264"], pins.Select(p => p.Package).Distinct().Order());
        foreach (var package in pins.GroupBy(p => p.Package))
        {
            Assert.Single(package.Select(p => p.Version).Distinct());
            Assert.Contains(package, p => p.File.Contains(".orig.tar."));
            Assert.Contains(package, p => p.File.Contains(".debian.tar."));
        }
        foreach (var pin in pins)
        {
            var path = Path.Combine(NativeDir, "sources", pin.File);
            Assert.True(File.Exists(path), $"native/sources/{pin.File} is missing");
            using var stream = File.OpenRead(path);
            Assert.Equal(pin.Sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
    }

    [Fact]
    public void Nothing_is_vendored_that_versions_does_not_pin()
    {
        var pinned = ReadPins(Path.Combine(NativeDir, "versions")).Select(p => p.File).ToHashSet();
        var stray = Directory.GetFiles(Path.Combine(NativeDir, "sources")).Select(Path.GetFileName).Except(pinned);

        Assert.Equal([], stray);
    }

    [Fact]
    public void The_build_path_contains_no_download()
    {
        // What the normal build runs: the entry point and the native recipe (update-sources.sh is the maintainers' step).
        foreach (var script in new[] { "build.sh", "native/build.sh" })
        {
            var code = string.Join('\n', File.ReadAllLines(Path.Combine(RepositoryRoot.Path, script))
                .Where(line => !line.TrimStart().StartsWith('#')));
            Assert.DoesNotMatch(DownloadCommand(), code);
            // Named in messages, never run.
            Assert.DoesNotContain("update-sources", QuotedText().Replace(code, "\"\""));
        }
    }

    [Fact]
    public void A_tampered_or_missing_source_stops_the_native_build_before_anything_is_built()
    {
        // A copy of native/ whose libheif tarball lost a byte, and whose dav1d tarball is gone.
        var copy = Directory.CreateTempSubdirectory("aotbot-native-copy-");
        try
        {
            var native = Path.Combine(copy.FullName, "native");
            CopyDirectory(NativeDir, native, skip: "out");
            var pins = ReadPins(Path.Combine(native, "versions"));
            var heif = Path.Combine(native, "sources", pins.First(p => p.Package == "libheif" && p.File.Contains(".orig.")).File);
            var bytes = File.ReadAllBytes(heif);
            bytes[bytes.Length / 2] ^= 0x5a;
            File.WriteAllBytes(heif, bytes);
            var dav1d = pins.First(p => p.Package == "dav1d" && p.File.Contains(".orig.")).File;
            File.Delete(Path.Combine(native, "sources", dav1d));

            var cache = Path.Combine(copy.FullName, "cache");
            var (exitCode, stderr) = Run(Path.Combine(native, "build.sh"), "linux-x64", cache);

            Assert.NotEqual(0, exitCode);
            Assert.Contains($"native/sources/{Path.GetFileName(heif)}: sha256 differs from native/versions", stderr);
            Assert.Contains($"native/sources/{dav1d} (dav1d", stderr);
            Assert.DoesNotContain("building", stderr);
            Assert.False(Directory.Exists(cache) && Directory.GetDirectories(cache).Any(d => !Path.GetFileName(d).StartsWith('.')),
                "nothing may be built or cached from unverified sources");
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    // apt-get source/download, curl, wget, git clone/fetch, or a URL: any of them in the build path is a download.
    [GeneratedRegex(@"apt-get[^\n]*\b(source|download)\b|\bcurl\b|\bwget\b|\bgit\s+(clone|fetch|pull)\b|https?://")]
    private static partial Regex DownloadCommand();

    [GeneratedRegex(@"""[^""\n]*""|'[^'\n]*'")]
    private static partial Regex QuotedText();

    private static void CopyDirectory(string from, string to, string skip)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            if (Path.GetFileName(dir) != skip) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)), skip);
    }

    private static (int ExitCode, string Stderr) Run(string script, string rid, string cache)
    {
        var start = new ProcessStartInfo("bash", [script, rid]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["AOTBOT_NATIVE_CACHE"] = cache;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(entireProcessTree: true); throw new TimeoutException(script); }
        return (process.ExitCode, stderr.Result);
    }
}
