// Download benchmark of the HTTP layer: throughput against curl on the same loopback server, bytes allocated per
// download, and peak RSS of the spill-to-file path for two body sizes. Modes:
//   (none)            run everything and print the table
//   serve             start the loopback server in this process, print its port, run until stdin closes
//   rss <url> <bytes> download once with default settings (spill to file) and print VmHWM in kB
using System.Diagnostics;
using System.Globalization;
using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;

const long Mb = 1024 * 1024;
const long Small = 50 * Mb;
const long Large = 200 * Mb;
const int Runs = 21;

return args switch
{
    ["serve"] => await ServeAsync(),
    ["rss", var url, var bytes] => await RssAsync(new Uri(url), long.Parse(bytes, CultureInfo.InvariantCulture)),
    _ => await RunAsync(),
};

static async Task<int> ServeAsync()
{
    await using var server = FaultServer.Start();
    server.Map("/50mb", FaultReply.Bytes(Small)).Map("/200mb", FaultReply.Bytes(Large));
    Console.WriteLine(server.Port);
    Console.Out.Flush();
    await Console.In.ReadToEndAsync();
    return 0;
}

static async Task<int> RssAsync(Uri url, long bytes)
{
    await using var http = Layer(memoryBufferLimit: null);
    await using (var file = await http.Downloader.DownloadAsync(new MediaFile([url]), DownloadContext.Plain(), CancellationToken.None, maxBytes: bytes))
    {
        if (file.Length != bytes || file.Memory is not null) throw new InvalidOperationException("unexpected download result");
    }
    var hwm = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    Console.WriteLine(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    return 0;
}

static async Task<int> RunAsync()
{
    var self = Environment.ProcessPath!;
    using var server = Start(self, "serve");
    var port = int.Parse((await server.StandardOutput.ReadLineAsync())!, CultureInfo.InvariantCulture);
    var url = new Uri($"http://127.0.0.1:{port}/50mb");

    var curlTarget = Path.Combine(Path.GetTempPath(), $"aotbot-bench-{Environment.ProcessId}.curl");
    using var rawClient = new HttpClient(new SocketsHttpHandler());
    await using var spill = Layer(memoryBufferLimit: null);
    await using var memory = Layer(memoryBufferLimit: 64 * Mb);

    // Warm up: JIT, connection pool, array pool.
    for (var i = 0; i < 2; i++)
    {
        await Ours(spill, url);
        await Ours(memory, url);
        await Curl(url, "/dev/null");
        await Raw(rawClient, url);
    }

    var oursSpill = new List<double>();
    var oursMemory = new List<double>();
    var curlNull = new List<double>();
    var curlFile = new List<double>();
    var raw = new List<double>();
    var allocSpill = new List<long>();
    var allocMemory = new List<long>();
    for (var run = 0; run < Runs; run++)
    {
        var (s, a) = await Ours(spill, url);
        oursSpill.Add(s);
        allocSpill.Add(a);
        curlNull.Add(await Curl(url, "/dev/null"));
        var (m, b) = await Ours(memory, url);
        oursMemory.Add(m);
        allocMemory.Add(b);
        raw.Add(await Raw(rawClient, url));
        curlFile.Add(await Curl(url, curlTarget));
    }
    File.Delete(curlTarget);

    var rssSmall = await Rss(self, $"http://127.0.0.1:{port}/50mb", Small);
    var rssLarge = await Rss(self, $"http://127.0.0.1:{port}/200mb", Large);
    await server.StandardInput.DisposeAsync();
    await server.WaitForExitAsync();

    // The machine is shared: each ratio pairs runs made back to back, and the table shows the median ratio.
    Console.WriteLine($"HTTP download benchmark: 50 MB body over loopback, {Runs} alternating runs, medians ({Environment.ProcessorCount} cores, load {LoadAverage()})");
    Console.WriteLine();
    Console.WriteLine("| measure                                    |        value |  ratio | goal    |");
    Console.WriteLine("|--------------------------------------------|-------------:|-------:|---------|");
    Row("curl -o /dev/null", $"{Median(curlNull):F0} MB/s", "1.00", "");
    Row("bare SocketsHttpHandler, 256 KB discard", $"{Median(raw):F0} MB/s", $"{PairRatio(raw, curlNull):F2}", "");
    Row("ours, in pooled memory (limit 64 MB)", $"{Median(oursMemory):F0} MB/s", $"{PairRatio(oursMemory, curlNull):F2}", ">= 0.9");
    Row("ours, spill to temp file (default 8 MB)", $"{Median(oursSpill):F0} MB/s", $"{PairRatio(oursSpill, curlNull):F2}", ">= 0.9");
    Row("curl -o temp file", $"{Median(curlFile):F0} MB/s", $"{PairRatio(curlFile, curlNull):F2}", "");
    Row("ours, spill vs curl -o temp file", "", $"{PairRatio(oursSpill, curlFile):F2}", ">= 0.9");
    Row("allocated per download, spill path", $"{MedianLong(allocSpill) / 1024.0:F0} KB", $"{MedianLong(allocSpill) / (double)Small:F4}", "<= 1.1");
    Row("allocated per download, memory path", $"{MedianLong(allocMemory) / 1024.0:F0} KB", $"{MedianLong(allocMemory) / (double)Small:F4}", "<= 1.1");
    Row("peak RSS, spill path, 50 MB body", $"{rssSmall / 1024.0:F1} MB", "1.00", "flat");
    Row("peak RSS, spill path, 200 MB body", $"{rssLarge / 1024.0:F1} MB", $"{rssLarge / (double)rssSmall:F2}", "flat");
    return 0;

    static void Row(string name, string value, string ratio, string goal) =>
        Console.WriteLine($"| {name,-42} | {value,12} | {ratio,6} | {goal,-7} |");

    static double PairRatio(List<double> ours, List<double> theirs) => Median(ours.Zip(theirs, (o, t) => o / t));

    static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}

static HttpLayerHost Layer(long? memoryBufferLimit)
{
    var settings = new Dictionary<string, string?>
    {
        ["Http:AllowPrivateNetworks"] = "true",
        ["Limits:MaxUploadBytes"] = (Large + Mb).ToString(CultureInfo.InvariantCulture),
    };
    if (memoryBufferLimit is { } limit) settings["Http:MemoryBufferLimit"] = limit.ToString(CultureInfo.InvariantCulture);
    return new HttpLayerHost(settings);
}

// MB/s and bytes allocated by this process during one download (the server is another process).
static async Task<(double MbPerSecond, long Allocated)> Ours(HttpLayerHost http, Uri url)
{
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var start = Stopwatch.GetTimestamp();
    await using (var file = await http.Downloader.DownloadAsync(new MediaFile([url]), DownloadContext.Plain(), CancellationToken.None))
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (file.Length != Small) throw new InvalidOperationException($"downloaded {file.Length} bytes");
        return (Small / (double)Mb / elapsed.TotalSeconds, bytes);
    }
}

// The runtime's ceiling: HttpClient reading into one reused buffer, bytes dropped (what curl -o /dev/null does).
static async Task<double> Raw(HttpClient client, Uri url)
{
    var buffer = new byte[256 * 1024];
    var start = Stopwatch.GetTimestamp();
    long total = 0;
    using (var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
    await using (var body = await response.Content.ReadAsStreamAsync())
    {
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0) total += read;
    }
    if (total != Small) throw new InvalidOperationException($"read {total} bytes");
    return Small / (double)Mb / Stopwatch.GetElapsedTime(start).TotalSeconds;
}

// curl's own transfer time (process start excluded).
static async Task<double> Curl(Uri url, string target)
{
    using var curl = Process.Start(new ProcessStartInfo("curl", ["-s", "-o", target, "-w", "%{size_download} %{time_total}", url.ToString()])
    {
        RedirectStandardOutput = true,
    })!;
    var output = (await curl.StandardOutput.ReadToEndAsync()).Split(' ');
    await curl.WaitForExitAsync();
    if (long.Parse(output[0], CultureInfo.InvariantCulture) != Small) throw new InvalidOperationException("curl got a short body");
    return Small / (double)Mb / double.Parse(output[1], CultureInfo.InvariantCulture);
}

static async Task<long> Rss(string self, string url, long bytes)
{
    using var child = Start(self, "rss", url, bytes.ToString(CultureInfo.InvariantCulture));
    var output = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    if (child.ExitCode != 0) throw new InvalidOperationException($"rss run failed: {await child.StandardError.ReadToEndAsync()}");
    return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
}

static Process Start(string self, params string[] args)
{
    var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
    if (self.EndsWith("dotnet", StringComparison.Ordinal)) info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
    foreach (var arg in args) info.ArgumentList.Add(arg);
    return Process.Start(info)!;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static long MedianLong(IEnumerable<long> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

