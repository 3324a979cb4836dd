#!/usr/bin/env bash
# The benchmark table README quotes, in one command (about 10 minutes on 2 cores):
#   bench/run.sh [artifacts dir (default artifacts/linux-x64)]
# binary and shipped size; start-up to the first getUpdates and idle RSS of the polling bot; one 12 MP HEIC -> JPEG
# against vips, heif-convert and ImageMagick (side by side, ratios); slideshows alone and 10 at once; the load test
# (bench/load: 1000 updates from 200 users in about a minute against local fakes). Everything runs on 127.0.0.1.
# Test images are made once into ${AOTBOT_BENCH_CACHE:-$HOME/.cache/aotbot-bench}. stdout is the table README quotes;
# progress, every raw figure and the path of the bot's logs (kept) go to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ARTIFACTS=$(cd "${1:-$ROOT/artifacts/linux-x64}" && pwd)
BIN=$ARTIFACTS/aotbot
CACHE=${AOTBOT_BENCH_CACHE:-$HOME/.cache/aotbot-bench}
IM=/usr/bin/convert # the real ImageMagick; a `convert` earlier on PATH may be a stand-in
WORK=$(mktemp -d /tmp/aotbot-bench-XXXXXX)
RESULTS=$WORK/results.txt
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '== %s\n' "$*" >&2; }

[ -x "$BIN" ] || { echo "bench/run.sh: $BIN missing; run ./build.sh first" >&2; exit 1; }
missing=()
for p in libvips-tools libheif-examples imagemagick time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: as root: apt-get install -y ${missing[*]}" >&2; exit 1; }
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log "building bench/load"
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" -o "$ROOT/artifacts/bench-load" "$HERE/load/LoadBench.csproj" >&2
LOAD=$ROOT/artifacts/bench-load/LoadBench

# --- images, made once ---------------------------------------------------------------------------------------
# TikTok photo posts: 1080x1440 (8-bit, about 250 KB each). Phone photos: 12 MP, two single-image and two
# grid-tiled (48 tiles of 512x512, as phones write them). The anchor: anchors.md's own command (a 10-bit HEIC).
mkdir -p "$CACHE/load-v1/tiktok" "$CACHE/load-v1/phone"
for i in 01 02 03 04 05 06 07 08 09 10; do
  f=$CACHE/load-v1/tiktok/tiktok-$i.heic
  if [ ! -f "$f" ]; then
    log "generating $f"
    "$IM" -seed "1$i" -size 1080x1440 plasma:fractal -depth 8 "PNG24:$WORK/src.png"
    heif-enc -q 50 -o "$f" "$WORK/src.png" >/dev/null
  fi
done
phone() { # name seed grid?
  local f=$CACHE/load-v1/phone/$1.heic
  [ -f "$f" ] && return 0
  log "generating $f (12 MP; a minute or two)"
  "$IM" -seed "$2" -size 4032x3024 plasma:fractal -depth 8 "PNG24:$WORK/src.png"
  if [ "$3" = grid ]; then
    rm -rf "$WORK/tiles" && mkdir "$WORK/tiles"
    "$IM" "$WORK/src.png" -crop 512x512 -background black -extent 512x512 +repage "$WORK/tiles/t%02d.png"
    for t in "$WORK"/tiles/t*.png; do heif-enc -q 50 -o "${t%.png}.heic" "$t" >/dev/null; done
    python3 "$HERE/imaging/make-grid.py" "$f" 6 8 4032 3024 "$WORK"/tiles/t*.heic
  else
    heif-enc -q 50 -o "$f" "$WORK/src.png" >/dev/null
  fi
}
phone single-1 201 single; phone single-2 202 single; phone grid-1 203 grid; phone grid-2 204 grid
ANCHOR=$CACHE/load-v1/anchor-12mp.heic
if [ ! -f "$ANCHOR" ]; then
  log "generating $ANCHOR (anchors.md: convert -size 4032x3024 plasma:fractal src.png && heif-enc -q 50)"
  "$IM" -size 4032x3024 plasma:fractal "$WORK/anchor.png"
  heif-enc -q 50 -o "$ANCHOR" "$WORK/anchor.png" >/dev/null
fi
rm -f "$WORK"/*.png; rm -rf "$WORK/tiles"

LOAD_AVERAGE_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- size ----------------------------------------------------------------------------------------------------
{
  echo "binary_bytes: $(stat -c %s "$BIN")"
  echo "shipped_bytes: $(find "$ARTIFACTS" -type f ! -name .stamp -printf '%s\n' | awk '{s += $1} END {print s}')"
  echo "shipped_files: $(find "$ARTIFACTS" -type f ! -name .stamp -printf '%f ' )"
} >>"$RESULTS"

# --- start-up and idle ---------------------------------------------------------------------------------------
log "start-up (5 runs) and idle RSS"
"$LOAD" startup --bin "$BIN" --data "$WORK" --runs 5 --idle-seconds 15 | tee -a "$RESULTS" >&2

# --- one 12 MP HEIC -> JPEG q75, side by side ----------------------------------------------------------------
log "12 MP HEIC -> JPEG q75: aotbot, vips, heif-convert, ImageMagick, 3 alternating rounds"
mkdir -p "$WORK/jpeg"
tools=(aotbot vips heif-convert magick)
for round in 1 2 3; do
  for k in 0 1 2 3; do
    tool=${tools[$(((k + round) % 4))]}
    # GNU time on the real command (not a shell function), so %M is the tool's own peak RSS.
    case $tool in
      aotbot) cmd=("$BIN" convert "$ANCHOR" -o "$WORK/jpeg" --quality 75) ;;
      vips) cmd=(vips copy "$ANCHOR" "$WORK/jpeg/vips.jpg[Q=75]") ;;
      heif-convert) cmd=(heif-convert -q 75 "$ANCHOR" "$WORK/jpeg/heif-convert.jpg") ;;
      magick) cmd=("$IM" "$ANCHOR" -quality 75 "$WORK/jpeg/magick.jpg") ;;
    esac
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "${cmd[@]}" >/dev/null
    echo "heic_run: $tool $(tail -1 "$WORK/time.txt")" >>"$RESULTS"
  done
done
for tool in "${tools[@]}"; do
  # Median wall time, largest peak RSS.
  grep "^heic_run: $tool " "$RESULTS" | sort -k3,3n | awk -v t="$tool" '{ w[NR] = $3; if ($4 > m) m = $4 }
    END { printf "heic_%s: %.2f %.0f\n", t, w[int((NR + 1) / 2)], m / 1024 }' >>"$RESULTS"
done
grep "^heic_[a-z-]*:" "$RESULTS" >&2

# --- slideshows: 10 at once ------------------------------------------------------------------------------------
log "10 slideshows x 12 TikTok-size HEIC at once, Imaging:Workers=2"
"$LOAD" memory --bin "$BIN" --data "$WORK/memory-tiktok" --images "$CACHE/load-v1/tiktok" --width 1080 --height 1440 \
  --bot-arg --Imaging:Workers=2 | sed 's/^memory_/tiktok_/' | tee -a "$RESULTS" >&2
log "10 slideshows x 12 phone-size (12 MP) HEIC at once, Imaging:Workers=2"
"$LOAD" memory --bin "$BIN" --data "$WORK/memory-phone" --images "$CACHE/load-v1/phone" --width 4032 --height 3024 \
  --bot-arg --Imaging:Workers=2 | sed 's/^memory_/phone_/' | tee -a "$RESULTS" >&2
log "the same with Limits:MemoryBudgetMB=150"
"$LOAD" memory --bin "$BIN" --data "$WORK/memory-budget" --images "$CACHE/load-v1/phone" --width 4032 --height 3024 \
  --bot-arg --Imaging:Workers=2 --bot-arg --Limits:MemoryBudgetMB=150 | sed 's/^memory_/budget_/' | tee -a "$RESULTS" >&2
log "the same with Imaging:Workers=4, without and with Limits:MemoryBudgetMB=150"
"$LOAD" memory --bin "$BIN" --data "$WORK/memory-workers4" --images "$CACHE/load-v1/phone" --width 4032 --height 3024 \
  --bot-arg --Imaging:Workers=4 --trim-wait-seconds 1 | sed 's/^memory_/workers4_/' | tee -a "$RESULTS" >&2
"$LOAD" memory --bin "$BIN" --data "$WORK/memory-workers4-budget" --images "$CACHE/load-v1/phone" --width 4032 --height 3024 \
  --bot-arg --Imaging:Workers=4 --bot-arg --Limits:MemoryBudgetMB=150 --trim-wait-seconds 1 | sed 's/^memory_/budget4_/' | tee -a "$RESULTS" >&2

# --- load ----------------------------------------------------------------------------------------------------
log "load: per-kind phases, then 730 video links + 20 slideshows + 250 music presses from 200 users"
"$LOAD" load --bin "$BIN" --data "$WORK" --images "$CACHE/load-v1/tiktok" | tee -a "$RESULTS" >&2 || true

LOAD_AVERAGE_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table -----------------------------------------------------------------------------------------------
get() { grep -m1 "^$1: " "$RESULTS" | cut -d' ' -f2- ; }
word() { get "$1" | cut -d' ' -f"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
ours_s=$(word heic_aotbot 1); ours_mb=$(word heic_aotbot 2)
heic_row() { # tool label
  local s mb; s=$(word "heic_$1" 1); mb=$(word "heic_$1" 2)
  printf '| 12 MP HEIC→JPEG q75, %s | %s s, %s MB | %s s, %s MB | %s× the time, %s× the memory |\n' \
    "$2" "$ours_s" "$ours_mb" "$s" "$mb" "$(ratio "$ours_s" "$s")" "$(ratio "$ours_mb" "$mb")"
}

echo
echo "AotBot $commit, measured $(date -u '+%Y-%m-%d %H:%M UTC') on $cpu, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, $os"
echo "(load average before / after: $LOAD_AVERAGE_START / $LOAD_AVERAGE_END; the machine is shared)"
echo
echo "| measure | AotBot | reference | ratio |"
echo "|---|---|---|---|"
printf '| binary (aotbot) | %s | prototype 21.9 MB (anchors) | %s× |\n' "$(mb "$(get binary_bytes)")" "$(ratio "$(get binary_bytes)" 22963814)"
printf '| shipped (%s) | %s | | |\n' "$(get shipped_files | sed 's/ *$//; s/ /, /g')" "$(mb "$(get shipped_bytes)")"
printf '| start-up to first getUpdates (median of 5) | %s ms | | |\n' "$(get startup_ms_median)"
printf '| idle RSS, polling, %s s after start-up | %s MB (%s anonymous, %s file-backed) | Python bot > 100 MB | < %s× |\n' \
  "$(get idle_after_s)" "$(get idle_rss_mb)" "$(get idle_rss_anon_mb)" "$(get idle_rss_file_mb)" "$(ratio "$(get idle_rss_mb)" 100)"
printf '| idle RSS, polling, %s s after start-up (after the start-up trim at 10 s) | %s MB (%s anonymous, %s file-backed) | goal ≤ 25 MB | %s× |\n' \
  "$(get trimmed_at_s)" "$(get trimmed_rss_mb)" "$(get trimmed_rss_anon_mb)" "$(get trimmed_rss_file_mb)" "$(ratio "$(get trimmed_rss_mb)" 25)"
printf '| idle RSS curve, polling: 5 / 15 / 30 / 60 s after start | %s / %s / %s / %s MB | goal ≤ 25 MB from 15 s | %s× |\n' \
  "$(get rss_at_5s_mb)" "$(get rss_at_15s_mb)" "$(get rss_at_30s_mb)" "$(get rss_at_60s_mb)" "$(ratio "$(get rss_at_15s_mb)" 25)"
heic_row vips "vs vips copy"
heic_row heif-convert "vs heif-convert"
heic_row magick "vs ImageMagick convert"
printf '| alone, update → last send, p50: video (2 MB) / music press / slideshow of 10 TikTok-size HEIC (1080×1440) | %s / %s / %s ms | | |\n' \
  "$(get alone_video_p50_ms)" "$(get alone_music_p50_ms)" "$(get alone_slideshow_p50_ms)"
printf '| alone, bot-side, p50: video / music press / slideshow | %s / %s / %s ms | | |\n' \
  "$(get alone_video_overhead_p50_ms)" "$(get alone_music_overhead_p50_ms)" "$(get alone_slideshow_overhead_p50_ms)"
printf '| CPU seconds per job: video / music press / slideshow | %s / %s / %s | | |\n' \
  "$(get alone_video_cpu_s_per_job)" "$(get alone_music_cpu_s_per_job)" "$(get alone_slideshow_cpu_s_per_job)"
printf '| 10 slideshows × 12 TikTok-size HEIC at once, Workers=2: answered, time, peak RSS | %s, %s s, %s MB | goal ≤ 200 MB | %s× |\n' \
  "$(get tiktok_ok)" "$(get tiktok_wall_s)" "$(get tiktok_peak_rss_mb)" "$(ratio "$(get tiktok_peak_rss_mb)" 200)"
printf '| 10 slideshows × 12 phone-size (12 MP) HEIC at once, Workers=2: answered, time, peak RSS | %s, %s s, %s MB | goal ≤ 200 MB | %s× |\n' \
  "$(get phone_ok)" "$(get phone_wall_s)" "$(get phone_peak_rss_mb)" "$(ratio "$(get phone_peak_rss_mb)" 200)"
printf '| the same, Limits:MemoryBudgetMB=150: answered, time, peak RSS | %s, %s s, %s MB | budget 150 MB | %s× |\n' \
  "$(get budget_ok)" "$(get budget_wall_s)" "$(get budget_peak_rss_mb)" "$(ratio "$(get budget_peak_rss_mb)" 150)"
printf '| the same with Imaging:Workers=4: peak RSS, time; with Limits:MemoryBudgetMB=150 | %s MB, %s s; %s MB, %s s | budget 150 MB | %s× |\n' \
  "$(get workers4_peak_rss_mb)" "$(get workers4_wall_s)" "$(get budget4_peak_rss_mb)" "$(get budget4_wall_s)" "$(ratio "$(get budget4_peak_rss_mb)" 150)"
printf '| RSS after each burst, 5 s later / after the idle trim: TikTok-size, 12 MP, 12 MP with budget | %s / %s, %s / %s, %s / %s MB | | |\n' \
  "$(get tiktok_rss_after_5s_mb)" "$(get tiktok_rss_after_idle_trim_mb)" "$(get phone_rss_after_5s_mb)" "$(get phone_rss_after_idle_trim_mb)" \
  "$(get budget_rss_after_5s_mb)" "$(get budget_rss_after_idle_trim_mb)"
printf '| load: %s updates (%s video links, %s slideshows, %s music presses) from %s users in %s s: answered / ok / twice | %s / %s / %s | nothing lost | |\n' \
  "$(get load_updates)" "$(get load_video_count)" "$(get load_slideshow_count)" "$(get load_music_count)" "$(get load_users)" \
  "$(get load_span_s)" "$(get load_answered)" "$(get load_ok)" "$(get load_answered_twice)"
printf '| load: update → last send, p50 / p95, all updates | %s / %s ms | | |\n' "$(get load_p50_ms)" "$(get load_p95_ms)"
printf '| load: bot-side, p50 / p95: video / music press | %s / %s, %s / %s ms | | |\n' \
  "$(get load_video_overhead_p50_ms)" "$(get load_video_overhead_p95_ms)" "$(get load_music_overhead_p50_ms)" "$(get load_music_overhead_p95_ms)"
printf '| load: bot-side, p50 / p95: 10-image HEIC slideshow | %s / %s ms | goal p95 ≤ 2000 ms | %s× |\n' \
  "$(get load_slideshow_overhead_p50_ms)" "$(get load_slideshow_overhead_p95_ms)" "$(ratio "$(get load_slideshow_overhead_p95_ms)" 2000)"
printf '| load: peak RSS; CPU seconds | %s MB; %s s | goal ≤ 250 MB | %s× |\n' "$(get load_peak_rss_mb)" "$(get load_cpu_s)" "$(ratio "$(get load_peak_rss_mb)" 250)"
echo
echo "Bot-side = update → last send minus the fakes' deliberate delays (TikTok page 150 ms, CDN 60 ms, each Bot API send"
echo "40 ms). Ratios: AotBot / reference."
log "raw results and the bot's logs: $WORK"
