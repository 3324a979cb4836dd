#!/usr/bin/env bash
# Regenerates the small HEIC fixtures with Debian's heif-enc (libheif-examples 1.15.1) and ImageMagick 6.
# The specs derive rotated, mirrored, grid, ICC, huge, truncated and garbage variants from these at test time.
set -euo pipefail
cd "$(dirname "$0")"
IM=/usr/bin/convert   # the real ImageMagick (an earlier `convert` on PATH may be something else)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# 96x64, four 48x32 blocks: red top-left, green top-right, blue bottom-left, white bottom-right.
quadrants() {
  "$IM" -size 48x32 xc:'#ff0000' xc:'#00ff00' +append "$tmp/top.png"
  "$IM" -size 48x32 xc:'#0000ff' xc:'#ffffff' +append "$tmp/bottom.png"
  "$IM" "$tmp/top.png" "$tmp/bottom.png" -append "$@"
}
quadrants -depth 8 "PNG24:$tmp/quadrants.png"
heif-enc -q 90 -o quadrants.heic "$tmp/quadrants.png"
# A 16-bit PNG becomes a 10-bit HEIC (heif-enc's default for deep input).
quadrants -depth 16 "PNG48:$tmp/quadrants16.png"
heif-enc -q 90 -o quadrants-10bit.heic "$tmp/quadrants16.png"
# The same as AVIF (libaom). A 10-bit AVIF would be worth having, but heif-enc 1.15 with Debian's libaom 3.6 aborts
# on one (write_color_config assertion).
heif-enc -A -q 90 -o quadrants.avif "$tmp/quadrants.png"

# 64x64 with alpha: left half opaque red, right half fully transparent, a half-transparent blue band across the bottom.
"$IM" -size 64x64 xc:none -fill '#ff0000' -draw 'rectangle 0,0 31,63' -fill '#0000ff80' -draw 'rectangle 32,48 63,63' \
  "PNG32:$tmp/alpha.png"
heif-enc -q 90 -o alpha.heic "$tmp/alpha.png"

# A flat colour with no colour box; the specs tag copies as Display P3 (nclx or ICC). heif-enc 1.15 writes no colr
# box for PNG input whatever its --colour_primaries says.
"$IM" -size 64x64 xc:'rgb(200,60,40)' -depth 8 "PNG24:$tmp/flat.png"
heif-enc -q 95 -o flat.heic "$tmp/flat.png"

# Grid tiles: 64x64 each, one colour per tile.
for colour in red:ff0000 green:00ff00 blue:0000ff white:ffffff; do
  "$IM" -size 64x64 xc:"#${colour#*:}" -depth 8 "PNG24:$tmp/tile.png"
  heif-enc -q 90 -o "tile-${colour%%:*}.heic" "$tmp/tile.png"
done

# 1050x50: aspect ratio 21, over Telegram's 20.
"$IM" -size 1050x50 gradient:'#ff0000-#0000ff' -depth 8 "PNG24:$tmp/wide.png"
heif-enc -q 50 -o wide.heic "$tmp/wide.png"

# 9600x480: width + height over 10000 at ratio 20, so it is downscaled rather than sent as a document.
"$IM" -size 9600x480 xc:'#808080' -depth 8 "PNG24:$tmp/long.png"
heif-enc -q 30 -o long.heic "$tmp/long.png"

ls -l ./*.heic ./*.avif
