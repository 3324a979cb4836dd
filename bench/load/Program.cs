// Load, memory and start-up driver for the published bot; bench/run.sh runs it and prints the README table.
//   startup  --bin B [--runs 5] [--idle-seconds 10] [--trimmed-at-seconds 65] [--curve 5,15,30,60]
//                                                             start-up to first getUpdates; idle RSS and CPU, then RSS after the idle trim;
//                                                             the last run's RSS at each --curve second after the process started
//   load     --bin B --images DIR [--users 200] [--videos 730] [--slideshows 20] [--music 250] [--seconds 55]
//            per-kind phases (one job at a time: latency alone, CPU seconds per job) then the mixed run
//   instances --bin B [--instances 1] [--postgres CONNECTION] [--users 200] [--videos 300] [--music 100]
//            the load mix queued at once to N instances (PostgreSQL; SQLite without --postgres): updates/s answered,
//            p50/p95, and PostgreSQL's transactions and statement milliseconds per update (pg_stat_database)
//   memory   --bin B --images DIR [--slideshows 10] [--per 12] [--width W --height H]
//            [--hold-seconds S]  N slideshows of M HEIC images sent at once; peak RSS
// The load mix stays within Telegram's 30 messages/s: a 10-photo slideshow is 12 messages (the "converting" notice,
// the album, the caption), so 20 of them with 730 videos and 250 music presses make about 22 messages/s; 50 slideshows
// (~28/s, and 61 CPU seconds of HEIC decoding in 55 s) overload Telegram's limit and 2 shared cores together.
// Common: --data DIR (scratch, default a temp dir), --api-delay-ms 40, --page-delay-ms 150, --cdn-delay-ms 60,
// --bot-arg --Key=value (repeatable), --env NAME=value (repeatable). Results go to stdout as "key: value" lines,
// progress to stderr. Everything is on 127.0.0.1 and every wait is bounded.
using System.Diagnostics;
using System.Globalization;
using AotBot.Bench.Load;
using AotBot.Testing.FakeTikTok;

var options = CommandLine.Parse(args);
return options.Mode switch
{
    "startup" => await Scenarios.StartupAsync(options),
    "load" => await Scenarios.LoadAsync(options),
    "memory" => await Scenarios.MemoryAsync(options),
    "instances" => await Scenarios.InstancesAsync(options),
    _ => CommandLine.Usage(),
};

namespace AotBot.Bench.Load
{
    internal sealed record CommandLine(string Mode, Dictionary<string, string> Values, List<string> BotArgs, Dictionary<string, string> Environment)
    {
        public static CommandLine Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var botArgs = new List<string>();
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 1; i + 1 < args.Length; i += 2)
            {
                var (key, value) = (args[i].TrimStart('-'), args[i + 1]);
                if (key == "bot-arg") botArgs.Add(value);
                else if (key == "env") environment[value[..value.IndexOf('=')]] = value[(value.IndexOf('=') + 1)..];
                else values[key] = value;
            }
            return new CommandLine(args.Length > 0 ? args[0] : "", values, botArgs, environment);
        }

        public static int Usage()
        {
            Console.Error.WriteLine("usage: LoadBench startup|load|memory --bin <aotbot> [options]; see the head of Program.cs");
            return 2;
        }

        public string Text(string key, string? fallback = null) =>
            Values.GetValueOrDefault(key) ?? fallback ?? throw new ArgumentException($"--{key} is required");

        public int Int(string key, int fallback) => Values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public RigOptions Rig(string name) => new(
            Path.GetFullPath(Text("bin")),
            Path.Combine(Values.GetValueOrDefault("data") ?? Path.Combine(Path.GetTempPath(), $"aotbot-bench-{System.Environment.ProcessId}"), name),
            TimeSpan.FromMilliseconds(Int("api-delay-ms", 40)),
            TimeSpan.FromMilliseconds(Int("page-delay-ms", 150)),
            TimeSpan.FromMilliseconds(Int("cdn-delay-ms", 60)),
            BotArgs,
            Environment);

        /// <summary>The HEIC files of --images, in name order.</summary>
        public IReadOnlyList<byte[]> Images() =>
            [.. Directory.GetFiles(Text("images"), "*.heic").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
    }

    internal static class Scenarios
    {
        private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);
        private static readonly TimeSpan NoTimeout = Timeout.InfiniteTimeSpan;

        public static async Task<int> StartupAsync(CommandLine options)
        {
            var runs = options.Int("runs", 5);
            var idle = TimeSpan.FromSeconds(options.Int("idle-seconds", 10));
            var startups = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                // The same data dir each time: the first run creates the database, the others open it, as a restart does.
                await using var rig = await Rig.StartAsync(options.Rig("startup"), freshDatabase: run == 1);
                var startup = await rig.WaitForPollingAsync(TimeSpan.FromSeconds(60));
                startups.Add(startup.TotalMilliseconds);
                Progress($"start-up {run}/{runs}: {startup.TotalMilliseconds:F0} ms to the first getUpdates");
                if (run < runs) continue;

                // Sampled alongside the measurements below (reading /proc does not disturb the bot).
                var curve = SampleRssCurveAsync(rig.Bot, options.Text("curve", "5,15,30,60"));
                var cpu = rig.Bot.CpuSeconds();
                await Task.Delay(idle);
                var (rss, peak) = rig.Bot.Memory();
                Result("startup_ms_median", Median(startups).ToString("F0", CultureInfo.InvariantCulture));
                Result("startup_ms_runs", string.Join(' ', startups.Select(s => s.ToString("F0", CultureInfo.InvariantCulture))));
                Result("idle_after_s", idle.TotalSeconds.ToString(CultureInfo.InvariantCulture));
                Result("idle_rss_mb", Mb(rss));
                var (anonymous, fileBacked) = rig.Bot.ResidentParts();
                Result("idle_rss_anon_mb", Mb(anonymous));
                Result("idle_rss_file_mb", Mb(fileBacked));
                Result("idle_hwm_mb", Mb(peak));
                Result("idle_cpu_s", (rig.Bot.CpuSeconds() - cpu).ToString("F2", CultureInfo.InvariantCulture));
                Result("startup_cpu_s", cpu.ToString("F2", CultureInfo.InvariantCulture));

                // Limits:IdleTrimSeconds (30 s by default) after start-up the bot gives memory back; measured well after,
                // so the pages the polling loop touches again are back in.
                var trimmedAt = TimeSpan.FromSeconds(options.Int("trimmed-at-seconds", 65));
                await Task.Delay(trimmedAt - startup - idle > TimeSpan.Zero ? trimmedAt - startup - idle : TimeSpan.Zero);
                var (trimmedRss, _) = rig.Bot.Memory();
                var (trimmedAnonymous, trimmedFileBacked) = rig.Bot.ResidentParts();
                Result("trimmed_at_s", trimmedAt.TotalSeconds.ToString(CultureInfo.InvariantCulture));
                Result("trimmed_rss_mb", Mb(trimmedRss));
                Result("trimmed_rss_anon_mb", Mb(trimmedAnonymous));
                Result("trimmed_rss_file_mb", Mb(trimmedFileBacked));
                foreach (var (second, rssAt) in await curve)
                    Result($"rss_at_{second}s_mb", Mb(rssAt));
            }
            return 0;
        }

        /// <summary>RSS at each of <paramref name="seconds"/> (comma-separated) after the bot process started.</summary>
        private static async Task<List<(int Second, long Rss)>> SampleRssCurveAsync(BotProcess bot, string seconds)
        {
            var samples = new List<(int, long)>();
            foreach (var second in seconds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order())
            {
                var wait = TimeSpan.FromSeconds(second) - Stopwatch.GetElapsedTime(bot.StartedAt);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                samples.Add((second, bot.Memory().Rss));
            }
            return samples;
        }

        public static async Task<int> LoadAsync(CommandLine options)
        {
            var images = options.Images();
            var video = FakeMedia.Mp4(2 * 1024 * 1024);
            await using var rig = await Rig.StartAsync(options.Rig("load"));
            await rig.WaitForPollingAsync(TimeSpan.FromSeconds(60));
            const long firstUser = 7_000_001;
            var users = options.Int("users", 200);
            FakeTikTokPost NewSlideshow() => rig.SlideshowPost([.. images.Take(10)], options.Int("width", 1080), options.Int("height", 1440));

            // Warm-up: the first job of each kind pays for first use (SQLite pages, connection pools, the conversion pool).
            await RunAloneAsync(rig, [() => rig.Link(firstUser, rig.VideoPost(video)).Job, () => rig.Link(firstUser, NewSlideshow()).Job]);

            // Per-kind phases, one job at a time: latency alone and CPU seconds per job from /proc deltas.
            var videoPosts = Enumerable.Range(0, 30).Select(i => rig.VideoPost(video, i % 5 == 0 ? 75 : 15)).ToList();
            var phases = new (string Name, Func<Job>[] Jobs)[]
            {
                ("video", [.. videoPosts.Select((post, i) => (Func<Job>)(() => rig.Link(firstUser + i, post).Job))]),
                ("slideshow", [.. Enumerable.Range(0, 8).Select(i => (Func<Job>)(() => rig.Link(firstUser + i, NewSlideshow()).Job))]),
                ("music", [.. videoPosts.Select((post, i) => (Func<Job>)(() => rig.Music(firstUser + i, post)))]),
            };
            foreach (var (name, jobs) in phases)
            {
                var cpu = rig.Bot.CpuSeconds();
                var done = await RunAloneAsync(rig, jobs);
                var used = rig.Bot.CpuSeconds() - cpu;
                Progress($"phase {name}: {done.Count(j => j.Succeeded)}/{jobs.Length} ok, {used:F2} CPU s");
                Result($"alone_{name}_jobs", $"{done.Count(j => j.Succeeded)}/{jobs.Length}");
                Result($"alone_{name}_p50_ms", Ms(Percentile(done.Select(j => j.Latency), 50)));
                Result($"alone_{name}_overhead_p50_ms", Ms(Percentile(done.Select(j => j.Overhead), 50)));
                Result($"alone_{name}_cpu_s_per_job", (used / jobs.Length).ToString("F3", CultureInfo.InvariantCulture));
            }

            // The mixed run: links at random times over the window from random users; some videos get their music
            // button pressed a second after they arrive.
            var window = TimeSpan.FromSeconds(options.Int("seconds", 55));
            var random = new Random(options.Int("seed", 9));
            var kinds = Enumerable.Repeat(JobKind.Video, options.Int("videos", 730))
                .Concat(Enumerable.Repeat(JobKind.Slideshow, options.Int("slideshows", 20))).ToArray();
            random.Shuffle(kinds);
            var musicWanted = options.Int("music", 250);
            var musicFor = new HashSet<int>(Enumerable.Range(0, kinds.Length).Where(i => kinds[i] == JobKind.Video)
                .OrderBy(_ => random.Next()).Take(musicWanted));
            var plan = kinds.Select((kind, i) => (At: window * random.NextDouble(), Kind: kind, User: firstUser + 1000 + random.Next(users),
                    Post: kind == JobKind.Video ? rig.VideoPost(video, random.Next(5) == 0 ? 75 : 15) : NewSlideshow(), Music: musicFor.Contains(i)))
                .OrderBy(p => p.At).ToList();

            rig.ResetPeak();
            var cpuBefore = rig.Bot.CpuSeconds();
            var before = rig.Jobs.All.Count;
            var started = Stopwatch.GetTimestamp();
            using var deadline = new CancellationTokenSource(window + JobTimeout);
            var followUps = new List<Task>();
            var lastQueued = started;
            Progress($"mixed run: {plan.Count} links + {musicFor.Count} music presses from {users} users over {window.TotalSeconds:F0} s");
            foreach (var step in plan)
            {
                var wait = step.At - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                var (job, _) = rig.Link(step.User, step.Post);
                lastQueued = Stopwatch.GetTimestamp();
                if (step.Music) followUps.Add(PressMusicAfterAsync(rig, job, step.User, step.Post, deadline.Token));
            }
            await Task.WhenAll(followUps);
            var lastMusic = rig.Jobs.All.Skip(before).Where(j => j.Kind == JobKind.Music).Select(j => j.QueuedAt).DefaultIfEmpty(lastQueued).Max();
            var mixed = rig.Jobs.All.Skip(before).ToList();
            await WaitAllAsync(mixed, NoTimeout, deadline.Token);
            var cpuUsed = rig.Bot.CpuSeconds() - cpuBefore;
            var (_, peak) = rig.Bot.Memory();
            var drained = Stopwatch.GetElapsedTime(started);

            var answered = mixed.Where(j => j.Answers > 0).ToList();
            Result("load_updates", mixed.Count.ToString(CultureInfo.InvariantCulture));
            Result("load_answered", answered.Count.ToString(CultureInfo.InvariantCulture));
            Result("load_ok", mixed.Count(j => j.Succeeded).ToString(CultureInfo.InvariantCulture));
            Result("load_answered_twice", mixed.Count(j => j.Answers > 1).ToString(CultureInfo.InvariantCulture));
            Result("load_lost", (mixed.Count - answered.Count).ToString(CultureInfo.InvariantCulture));
            Result("load_music_not_pressed", (musicFor.Count - mixed.Count(j => j.Kind == JobKind.Music)).ToString(CultureInfo.InvariantCulture));
            foreach (var failure in answered.Where(j => !j.Succeeded).GroupBy(j => j.Outcome!))
                Result("load_error", $"{failure.Count()} x {failure.Key.ReplaceLineEndings(" ")}");
            Result("load_slideshows_complete", $"{mixed.Count(j => j.Kind == JobKind.Slideshow && j.Photos == 10)}/{mixed.Count(j => j.Kind == JobKind.Slideshow)}");
            Result("load_users", mixed.Select(j => j.ChatId).Distinct().Count().ToString(CultureInfo.InvariantCulture));
            Result("load_span_s", Seconds(Stopwatch.GetElapsedTime(started, Math.Max(lastQueued, lastMusic))));
            Result("load_drained_s", Seconds(drained));
            Result("load_p50_ms", Ms(Percentile(answered.Select(j => j.Latency), 50)));
            Result("load_p95_ms", Ms(Percentile(answered.Select(j => j.Latency), 95)));
            Result("load_max_ms", Ms(Percentile(answered.Select(j => j.Latency), 100)));
            foreach (var kind in Enum.GetValues<JobKind>())
            {
                var ofKind = answered.Where(j => j.Kind == kind).ToList();
                var name = kind.ToString().ToLowerInvariant();
                Result($"load_{name}_count", ofKind.Count.ToString(CultureInfo.InvariantCulture));
                Result($"load_{name}_p50_ms", Ms(Percentile(ofKind.Select(j => j.Latency), 50)));
                Result($"load_{name}_p95_ms", Ms(Percentile(ofKind.Select(j => j.Latency), 95)));
                Result($"load_{name}_overhead_p50_ms", Ms(Percentile(ofKind.Select(j => j.Overhead), 50)));
                Result($"load_{name}_overhead_p95_ms", Ms(Percentile(ofKind.Select(j => j.Overhead), 95)));
            }
            Result("load_peak_rss_mb", Mb(peak));
            Result("load_cpu_s", cpuUsed.ToString("F1", CultureInfo.InvariantCulture));
            Result("load_upload_mb", Mb(rig.Api.UploadBytes));
            Result("load_not_jpeg_photos", rig.Api.NotJpegPhotos.ToString(CultureInfo.InvariantCulture));
            Result("load_unattributed_sends", rig.Api.Unattributed.ToString(CultureInfo.InvariantCulture));
            Result("load_bot_api_calls", string.Join(' ', rig.Api.Methods.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}")));
            Result("load_tiktok_requests", rig.TikTok.Requests.ToString(CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromSeconds(5));
            Result("load_rss_after_5s_mb", Mb(rig.Bot.Memory().Rss));
            return mixed.Count == answered.Count ? 0 : 1;
        }

        /// <summary>
        /// The load mix (video links and music presses, two updates per user) queued at once, worked by N instances on
        /// one PostgreSQL or by one on SQLite: how fast it drains, how long each waited, what the store spent per update.
        /// Telegram's 30 messages a second are shared by the instances, so that is the ceiling whatever N is.
        /// </summary>
        public static async Task<int> InstancesAsync(CommandLine options)
        {
            var instances = options.Int("instances", 1);
            var postgres = options.Values.GetValueOrDefault("postgres");
            var name = postgres is null ? "sqlite" : $"postgres-{instances}";
            var rigOptions = options.Rig($"instances-{name}");
            if (postgres is not null)
            {
                // A schema of its own: the fakes number updates from the same id each run, and a queue that stored
                // them before would drop them as redeliveries.
                var schema = $"bench_{instances}_{System.Environment.ProcessId}";
                await using (var connection = new Npgsql.NpgsqlConnection(postgres))
                {
                    await connection.OpenAsync();
                    await using var create = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                postgres = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
            }
            if (postgres is not null)
                rigOptions = rigOptions with { BotArgs = [.. rigOptions.BotArgs, "--Storage:Provider=postgres", $"--Storage:ConnectionString={postgres}"] };
            var video = FakeMedia.Mp4(512 * 1024);
            await using var rig = await Rig.StartAsync(rigOptions, instances: instances);
            await rig.WaitForPollingAsync(TimeSpan.FromSeconds(60));
            // Every instance up and past one heartbeat round (10 s): until then an instance that started first paces
            // as if it were alone.
            await Task.Delay(TimeSpan.FromSeconds(instances > 1 ? 11 : 3));
            const long firstUser = 7_200_001;
            await RunAloneAsync(rig, [() => rig.Link(firstUser, rig.VideoPost(video)).Job]);

            var users = options.Int("users", 200);
            var videos = options.Int("videos", 300);
            var music = options.Int("music", 100);
            var posts = Enumerable.Range(0, videos).Select(_ => rig.VideoPost(video)).ToList();
            var before = await StoreCountersAsync(postgres);
            var cpuBefore = rig.Bots.Sum(b => b.CpuSeconds());
            var started = Stopwatch.GetTimestamp();
            var jobs = new List<Job>();
            for (var i = 0; i < videos + music; i++)
            {
                var user = firstUser + 1 + i % users;
                jobs.Add(i < videos ? rig.Link(user, posts[i]).Job : rig.Music(user, posts[i - videos]));
            }
            await WaitAllAsync(jobs, JobTimeout, CancellationToken.None);
            var drained = Stopwatch.GetElapsedTime(started);
            var cpuUsed = rig.Bots.Sum(b => b.CpuSeconds()) - cpuBefore;
            // PostgreSQL's backends report their counters within a second or so of a transaction.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var after = await StoreCountersAsync(postgres);
            var answered = jobs.Where(j => j.Answers > 0).ToList();
            Result($"instances_{name}_updates", jobs.Count.ToString(CultureInfo.InvariantCulture));
            Result($"instances_{name}_answered", answered.Count.ToString(CultureInfo.InvariantCulture));
            Result($"instances_{name}_ok", jobs.Count(j => j.Succeeded).ToString(CultureInfo.InvariantCulture));
            Result($"instances_{name}_twice", jobs.Count(j => j.Answers > 1).ToString(CultureInfo.InvariantCulture));
            Result($"instances_{name}_drained_s", Seconds(drained));
            Result($"instances_{name}_per_s", (answered.Count / drained.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture));
            Result($"instances_{name}_p50_ms", Ms(Percentile(answered.Select(j => j.Latency), 50)));
            Result($"instances_{name}_p95_ms", Ms(Percentile(answered.Select(j => j.Latency), 95)));
            Result($"instances_{name}_cpu_s", cpuUsed.ToString("F1", CultureInfo.InvariantCulture));
            if (before is { } b && after is { } a)
            {
                Result($"instances_{name}_store_tx_per_update", ((a.Transactions - b.Transactions) / (double)jobs.Count).ToString("F1", CultureInfo.InvariantCulture));
                Result($"instances_{name}_store_ms_per_update", ((a.ActiveMs - b.ActiveMs) / jobs.Count).ToString("F2", CultureInfo.InvariantCulture));
            }
            return answered.Count == jobs.Count ? 0 : 1;
        }

        /// <summary>PostgreSQL's committed and rolled-back transactions and its backends' statement time (ms) in this database.</summary>
        private static async Task<(long Transactions, double ActiveMs)?> StoreCountersAsync(string? postgres)
        {
            if (postgres is null) return null;
            await using var connection = new Npgsql.NpgsqlConnection(postgres);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT xact_commit + xact_rollback, active_time FROM pg_stat_database WHERE datname = current_database()", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetDouble(1));
        }

        public static async Task<int> MemoryAsync(CommandLine options)
        {
            var images = options.Images();
            var count = options.Int("slideshows", 10);
            var per = options.Int("per", 12);
            await using var rig = await Rig.StartAsync(options.Rig("memory"));
            await rig.WaitForPollingAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(2));
            var idle = rig.Bot.Memory().Rss;
            var set = Enumerable.Range(0, per).Select(i => images[i % images.Count]).ToList();
            var links = Enumerable.Range(0, count)
                .Select(i => rig.Link(7_100_001 + i, rig.SlideshowPost(set, options.Int("width", 4032), options.Int("height", 3024)), queue: false))
                .ToList();
            // All at once: one getUpdates answer carries every link.
            rig.Api.Enqueue([.. links]);
            var jobs = links.Select(l => l.Job).ToList();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.Int("timeout-seconds", 300)));
            var peakSeen = 0L;
            var sampling = Task.Run(async () =>
            {
                while (!jobs.All(j => j.Done.IsCompleted) && !deadline.IsCancellationRequested)
                {
                    peakSeen = Math.Max(peakSeen, rig.Bot.Memory().Rss);
                    await Task.Delay(50);
                }
            });
            await WaitAllAsync(jobs, NoTimeout, deadline.Token);
            await sampling;
            var (_, peak) = rig.Bot.Memory();
            var answered = jobs.Where(j => j.Answers > 0).ToList();
            Result("memory_setup", $"{count} slideshows x {per} HEIC ({set.Sum(b => (long)b.Length) / per / 1024} KB each on average), settings: {string.Join(' ', options.BotArgs.Concat(options.Environment.Select(e => $"{e.Key}={e.Value}")))}");
            Result("memory_ok", $"{jobs.Count(j => j.Succeeded)}/{count}");
            Result("memory_photos", $"{jobs.Sum(j => j.Photos)}/{count * per}");
            foreach (var failure in answered.Where(j => !j.Succeeded).GroupBy(j => j.Outcome!))
                Result("memory_error", $"{failure.Count()} x {failure.Key.ReplaceLineEndings(" ")}");
            Result("memory_idle_rss_mb", Mb(idle));
            Result("memory_peak_rss_mb", Mb(peak));
            Result("memory_wall_s", answered.Count == 0 ? "-" : Seconds(Stopwatch.GetElapsedTime(jobs[0].QueuedAt, answered.Max(j => j.AnsweredAt))));
            Result("memory_cpu_s", rig.Bot.CpuSeconds().ToString("F1", CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromSeconds(5));
            Result("memory_rss_after_5s_mb", Mb(rig.Bot.Memory().Rss));
            // One more link after the burst: a memory budget must not keep the bot waiting for memory that never comes back.
            var (followUp, _) = rig.Link(7_100_001, rig.VideoPost(FakeMedia.Mp4(2 * 1024 * 1024)));
            await WaitAllAsync([followUp], TimeSpan.FromSeconds(60), CancellationToken.None);
            Result("memory_follow_up_ms", followUp.Succeeded ? Ms(followUp.Latency) : $"not answered in 60 s ({followUp.Outcome ?? "silence"})");
            Result("memory_rss_after_follow_up_mb", Mb(rig.Bot.Memory().Rss));
            // Past Limits:IdleTrimSeconds (30 s by default) with no job: what the burst leaves once the bot gives memory back.
            await Task.Delay(TimeSpan.FromSeconds(options.Int("trim-wait-seconds", 40)));
            Result("memory_rss_after_idle_trim_mb", Mb(rig.Bot.Memory().Rss));
            // For a look at /proc/<pid>/smaps after the burst.
            if (options.Int("hold-seconds", 0) is > 0 and var hold)
            {
                Progress($"holding the bot (pid {rig.Bot.Id}) for {hold} s");
                await Task.Delay(TimeSpan.FromSeconds(hold));
                Result("memory_rss_after_hold_mb", Mb(rig.Bot.Memory().Rss));
            }
            return answered.Count == count ? 0 : 1;
        }

        private static async Task PressMusicAfterAsync(Rig rig, Job video, long user, FakeTikTokPost post, CancellationToken cancellationToken)
        {
            try
            {
                await video.Done.WaitAsync(cancellationToken);
                if (!video.Succeeded) return;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                rig.Music(user, post);
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Runs each job alone (the next starts when the previous answered); returns them.</summary>
        private static async Task<List<Job>> RunAloneAsync(Rig rig, IEnumerable<Func<Job>> starts)
        {
            var jobs = new List<Job>();
            foreach (var start in starts)
            {
                var job = start();
                jobs.Add(job);
                await WaitAllAsync([job], JobTimeout, CancellationToken.None);
            }
            return jobs;
        }

        private static async Task WaitAllAsync(IReadOnlyList<Job> jobs, TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await Task.WhenAll(jobs.Select(j => j.Done)).WaitAsync(timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                Progress($"gave up waiting: {jobs.Count(j => !j.Done.IsCompleted)} of {jobs.Count} jobs unanswered");
            }
        }

        private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

        /// <summary>Nearest-rank percentile.</summary>
        private static TimeSpan Percentile(IEnumerable<TimeSpan> values, int percent)
        {
            var sorted = values.Order().ToList();
            if (sorted.Count == 0) return TimeSpan.Zero;
            var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
        }

        private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
        private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

        private static void Result(string key, string value)
        {
            Console.WriteLine($"{key}: {value}");
            Console.Out.Flush();
        }

        private static void Progress(string line) => Console.Error.WriteLine($"== {line}");
    }
}
