#!/usr/bin/env bash
# Slideshow video benchmark: the published `aotbot slideshow` composing twelve 1080x1440 HEICs (TikTok's photo size)
# with 40 s of MP3 frames into a 36 s video (3 s an image, the music cut there). Prints wall time, user CPU and peak
# RSS per run (median of N), the output's size and what ffprobe sees, and the binary's size.
#   bench/slideshow/run.sh [artifacts dir (default artifacts/linux-x64)] [runs (default 3)] [qemu-aarch64-static prefix]
# An arm64 build runs under qemu when a third argument names the emulator (time only: qemu's RSS is not the program's).
# The images are generated once into ${AOTBOT_BENCH_CACHE:-$HOME/.cache/aotbot-bench}/slideshow-v1.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARTIFACTS=${1:-$ROOT/artifacts/linux-x64}
RUNS=${2:-3}
EMULATOR=${3:-}
# qemu-user finds the arm64 loader and libc where Debian's cross toolchain puts them.
[ -n "$EMULATOR" ] && export QEMU_LD_PREFIX=${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}
BIN=$ARTIFACTS/aotbot
CACHE=${AOTBOT_BENCH_CACHE:-$HOME/.cache/aotbot-bench}/slideshow-v1
IM=/usr/bin/convert # the real ImageMagick
log() { printf '== %s\n' "$*" >&2; }

[ -x "$BIN" ] || { echo "bench/slideshow: $BIN missing; run ./build.sh first" >&2; exit 1; }
for tool in heif-enc "$IM" /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "bench/slideshow: $tool missing (apt-get install libheif-examples imagemagick time python3)" >&2; exit 1; }
done

mkdir -p "$CACHE"
for i in $(seq 1 12); do
  if [ ! -f "$CACHE/photo-$i.heic" ]; then
    log "generating photo-$i.heic (1080x1440)"
    "$IM" -seed "$i" -size 1080x1440 plasma:fractal -depth 8 "PNG24:$CACHE/photo-$i.png"
    heif-enc -q 50 -o "$CACHE/photo-$i.heic" "$CACHE/photo-$i.png" >/dev/null
    rm -f "$CACHE/photo-$i.png"
  fi
done
# 40 s of MPEG-1 Layer III frame headers at 128 kbit/s, 44.1 kHz (1532 frames of 417 bytes; payload is noise): the
# muxer copies frames, it never decodes them.
if [ ! -f "$CACHE/music.mp3" ]; then
  python3 - "$CACHE/music.mp3" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "wb") as f:
    for i in range(1532):
        f.write(bytes([0xFF, 0xFB, 0x90, 0x00]) + bytes(36) + bytes(random.getrandbits(8) for _ in range(417 - 40)))
PY
fi

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
images=()
for i in $(seq 1 12); do images+=("$CACHE/photo-$i.heic"); done
walls=() users=() rss=()
for run in $(seq 1 "$RUNS"); do
  /usr/bin/time -f '%e %U %M' -o "$OUT/time" $EMULATOR "$BIN" slideshow "${images[@]}" --music "$CACHE/music.mp3" \
    -o "$OUT/slideshow.mp4" --Imaging:Workers=1 >"$OUT/stdout"
  read -r wall user peak <"$OUT/time"
  walls+=("$wall"); users+=("$user"); rss+=("$peak")
  log "run $run: $(cat "$OUT/stdout")"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
size=$(stat -c %s "$OUT/slideshow.mp4")
probe=$(command -v ffprobe >/dev/null && ffprobe -v error -show_entries stream=codec_name,width,height,duration -of csv=p=0 \
  "$OUT/slideshow.mp4" | tr '\n' ' ' || echo "(ffprobe not installed)")
echo
echo "| what | value |"
echo "|---|---|"
echo "| 12 × 1080×1440 HEIC + MP3 → 36 s H.264 video, wall (median of $RUNS) | $(median "${walls[@]}") s |"
echo "| same, user CPU | $(median "${users[@]}") s |"
[ -z "$EMULATOR" ] && echo "| same, peak RSS | $(( $(median "${rss[@]}") / 1024 )) MB |"
echo "| output | $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MB); ffprobe: $probe|"
echo "| aotbot binary | $(stat -c %s "$BIN") bytes |"
