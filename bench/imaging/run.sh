#!/usr/bin/env bash
# HEIC -> JPEG (quality 75, 4:2:0) benchmark: the published `aotbot convert` (Imaging:Workers=2) against Debian's
# vips, heif-convert and ImageMagick on ten 12 MP HEICs (five single-image, five grid-tiled in 512x512 tiles as phones
# write them), alternating runs; one 12 MP image's peak RSS per tool; PSNR of our output against vips's; the floor.
#   bench/imaging/run.sh [artifacts dir (default artifacts/linux-x64)] [rounds (default 3)]
# The images are generated once into ${AOTBOT_BENCH_CACHE:-$HOME/.cache/aotbot-bench}/imaging-v1 (several minutes).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARTIFACTS=${1:-$ROOT/artifacts/linux-x64}
ROUNDS=${2:-3}
BIN=$ARTIFACTS/aotbot
CACHE=${AOTBOT_BENCH_CACHE:-$HOME/.cache/aotbot-bench}/imaging-v1
IM=/usr/bin/convert # the real ImageMagick
TIME=/usr/bin/time
log() { printf '== %s\n' "$*" >&2; }

[ -x "$BIN" ] || { echo "bench/imaging: $BIN missing; run ./build.sh first" >&2; exit 1; }

# --- tools ---------------------------------------------------------------------------------------------------
packages=(libvips-tools libheif-examples imagemagick libjpeg-turbo-progs time python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench/imaging: as root: apt-get install -y ${missing[*]}" >&2; exit 1; }
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- images --------------------------------------------------------------------------------------------------
mkdir -p "$CACHE"
make_source() { # seed -> src-<seed>.png, 4032x3024, 8-bit
  [ -f "$CACHE/src-$1.png" ] || "$IM" -seed "$1" -size 4032x3024 plasma:fractal -depth 8 "PNG24:$CACHE/src-$1.png"
}
for i in 1 2 3 4 5; do
  if [ ! -f "$CACHE/single-$i.heic" ]; then
    log "generating single-$i.heic"
    make_source "$i"
    heif-enc -q 50 -o "$CACHE/single-$i.heic" "$CACHE/src-$i.png" >/dev/null
  fi
done
for i in 6 7 8 9 10; do
  if [ ! -f "$CACHE/grid-$i.heic" ]; then
    log "generating grid-$i.heic (48 tiles of 512x512)"
    make_source "$i"
    tiles=$(mktemp -d)
    "$IM" "$CACHE/src-$i.png" -crop 512x512 -background black -extent 512x512 +repage "$tiles/t%02d.png"
    for t in "$tiles"/t*.png; do heif-enc -q 50 -o "${t%.png}.heic" "$t" >/dev/null; done
    python3 "$HERE/make-grid.py" "$CACHE/grid-$i.heic" 6 8 4032 3024 "$tiles"/t*.heic
    rm -rf "$tiles"
  fi
done
# The anchors' file (anchors.md): ImageMagick's default 16-bit PNG, so heif-enc makes a 10-bit HEIC.
if [ ! -f "$CACHE/anchor-10bit.heic" ]; then
  log "generating anchor-10bit.heic"
  "$IM" -size 4032x3024 plasma:fractal "$CACHE/anchor.png"
  heif-enc -q 50 -o "$CACHE/anchor-10bit.heic" "$CACHE/anchor.png" >/dev/null
  rm -f "$CACHE/anchor.png"
fi
[ -f "$CACHE/src-1.ppm" ] || "$IM" "$CACHE/src-1.png" "$CACHE/src-1.ppm"
SET=("$CACHE"/single-{1..5}.heic "$CACHE"/grid-{6..10}.heic)
N=${#SET[@]}

# --- runners: each converts "$@" into $OUT, sequentially or two at a time ------------------------------------
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
run_aotbot() { AOTBOT_Imaging__Workers=2 "$BIN" convert "$@" -o "$OUT/aotbot" >/dev/null; }
one_vips() { vips copy "$1" "$OUT/vips/$(basename "${1%.heic}").jpg[Q=75]"; }
one_heif_convert() { heif-convert -q 75 "$1" "$OUT/heif-convert/$(basename "${1%.heic}").jpg" >/dev/null; }
one_magick() { "$IM" "$1" -quality 75 -sampling-factor 4:2:0 "$OUT/magick/$(basename "${1%.heic}").jpg"; }
export OUT IM
export -f one_vips one_heif_convert one_magick
sequential() { local f; for f in "${@:2}"; do "$1" "$f"; done; }
parallel2() { printf '%s\n' "${@:2}" | xargs -P 2 -I{} bash -c "$1 {}"; }
mkdir -p "$OUT"/{aotbot,vips,heif-convert,magick}

# Runs a command under GNU time; prints "<seconds> <peak RSS KB>" (the peak of the largest single process).
measure() {
  local stats=$OUT/time.txt
  $TIME -f "%e %M" -o "$stats" "$@"
  tail -1 "$stats"
}

TOOLS=("aotbot convert, 2 workers|run_aotbot"
       "vips copy, 1 at a time|sequential one_vips" "vips copy, 2 at a time|parallel2 one_vips"
       "heif-convert, 1 at a time|sequential one_heif_convert" "heif-convert, 2 at a time|parallel2 one_heif_convert"
       "ImageMagick convert, 1 at a time|sequential one_magick" "ImageMagick convert, 2 at a time|parallel2 one_magick")
declare -A WALL PEAK
log "throughput: $N images x ${#TOOLS[@]} tools x $ROUNDS rounds, tools alternating"
for round in $(seq 1 "$ROUNDS"); do
  # Rotate the order each round so no tool always runs first (page cache, thermal state).
  for k in $(seq 0 $((${#TOOLS[@]} - 1))); do
    entry=${TOOLS[$(((k + round) % ${#TOOLS[@]}))]}
    name=${entry%%|*}
    # shellcheck disable=SC2086
    read -r seconds kb < <(measure ${entry#*|} "${SET[@]}")
    WALL[$name]+="$seconds "
    PEAK[$name]=$(( kb > ${PEAK[$name]:-0} ? kb : ${PEAK[$name]:-0} ))
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ours=$(echo "${WALL[aotbot convert, 2 workers]}" | median)
echo
echo "HEIC -> JPEG q75 4:2:0, $N x 12 MP (5 single-image, 5 grid 8x6 tiles), median of $ROUNDS alternating rounds"
printf '%-34s %10s %10s %14s %12s\n' tool "wall s" "images/s" "aotbot is x" "peak RSS MB"
for entry in "${TOOLS[@]}"; do
  name=${entry%%|*}
  wall=$(echo "${WALL[$name]}" | median)
  awk -v n="$name" -v w="$wall" -v o="$ours" -v c="$N" -v p="${PEAK[$name]}" \
    'BEGIN { printf "%-34s %10.2f %10.2f %14.2f %12.0f\n", n, w, c / w, w / o, p / 1024 }'
done

# --- one 12 MP image -----------------------------------------------------------------------------------------
echo
echo "One 12 MP image: wall s / peak RSS MB (one process)"
printf '%-34s %22s %22s %22s\n' tool "single 8-bit" "grid 8-bit" "anchors' 10-bit"
for entry in "aotbot convert|run_aotbot" "vips copy|one_vips" "heif-convert|one_heif_convert" "ImageMagick convert|one_magick"; do
  row=$(printf '%-34s' "${entry%%|*}")
  for f in "$CACHE/single-1.heic" "$CACHE/grid-6.heic" "$CACHE/anchor-10bit.heic"; do
    # shellcheck disable=SC2086
    read -r seconds kb < <(measure ${entry#*|} "$f")
    row+=$(awk -v s="$seconds" -v k="$kb" 'BEGIN { printf "%22s", sprintf("%.2f / %.0f", s, k / 1024) }')
  done
  echo "$row"
done

# --- quality -------------------------------------------------------------------------------------------------
psnr() { compare -metric PSNR "$1" "$2" null: 2>&1 | awk '{ print ($1 == "inf" ? 99 : $1) }'; }
echo
echo "PSNR (dB; 99 = identical), mean over the set"
sum_ov=0; sum_os=0; sum_vs=0
for f in "${SET[@]}"; do
  name=$(basename "${f%.heic}")
  src=$CACHE/src-${name#*-}.png
  sum_ov=$(awk -v a="$sum_ov" -v b="$(psnr "$OUT/aotbot/$name.jpg" "$OUT/vips/$name.jpg")" 'BEGIN { print a + b }')
  sum_os=$(awk -v a="$sum_os" -v b="$(psnr "$OUT/aotbot/$name.jpg" "$src")" 'BEGIN { print a + b }')
  sum_vs=$(awk -v a="$sum_vs" -v b="$(psnr "$OUT/vips/$name.jpg" "$src")" 'BEGIN { print a + b }')
done
awk -v a="$sum_ov" -v b="$sum_os" -v c="$sum_vs" -v n="$N" 'BEGIN {
  printf "  aotbot vs vips output  %6.2f\n  aotbot vs source PNG   %6.2f\n  vips vs source PNG     %6.2f   (aotbot - vips: %+.2f dB)\n",
         a / n, b / n, c / n, (b - c) / n }'
awk -v a="$(cat "$OUT"/aotbot/*.jpg | wc -c)" -v v="$(cat "$OUT"/vips/*.jpg | wc -c)" \
  'BEGIN { printf "  JPEG bytes: aotbot %.1f MB, vips %.1f MB\n", a / 1048576, v / 1048576 }'

# --- floor: libheif decode alone (our static build, native planes) + libjpeg-turbo encode alone ------------------
echo
native=$ROOT/native/out/linux-x64
gcc -O2 -o "$OUT/decode-floor" "$HERE/decode-floor.c" -I"$native/include" "$native/lib/libheif.a" "$native/lib/libde265.a" \
  -lstdc++ -lm -lpthread
decode=$("$OUT/decode-floor" "$CACHE/single-1.heic")
grid=$("$OUT/decode-floor" "$CACHE/grid-6.heic")
read -r encode _ < <(measure cjpeg -quality 75 -sample 2x2 -outfile "$OUT/floor.jpg" "$CACHE/src-1.ppm")
awk -v d="$decode" -v g="$grid" -v e="$encode" 'BEGIN {
  printf "Floor per 12 MP image: libheif decode %.2f s (grid, 4 tile threads: %.2f s) + cjpeg encode %.2f s = %.2f s one core\n", d, g, e, d + e }'
