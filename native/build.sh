#!/usr/bin/env bash
# Builds, for one runtime identifier, libheif with its HEVC (libde265) and AV1 (dav1d) decoders, decode-only,
# libjpeg-turbo behind a small C face (native/jpeg/aotbot_jpeg.c), and openh264's encoder behind another
# (native/video/aotbot_video.c):
#   static libheif.a libde265.a libdav1d.a libaotbotjpeg.a libjpeg.a libaotbotvideo.a libopenh264.a
#                                                        for the Native AOT link (nothing shared ships)
#   shared libheif.so, libaotbotjpeg.so, libaotbotvideo.so (dependencies inside)
#                                                        so JIT builds and tests can [LibraryImport] them.
# Usage: native/build.sh [linux-x64|linux-arm64]
# Sources are Debian source packages vendored in native/sources/ and pinned in native/versions (sha256-checked), with
# Debian's patches and then ours from native/patches/ (none today). Nothing is downloaded; native/update-sources.sh
# is the maintainers' refresh step.
# The result is cached outside the worktree, keyed by versions, target and this recipe:
#   ${AOTBOT_NATIVE_CACHE:-$HOME/.cache/aotbot-native}/<key>/{lib,include,BUILDINFO}
# and native/out/<rid> links to it, so a second run (in any worktree) is instant.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RID=${1:-linux-x64}
CACHE=${AOTBOT_NATIVE_CACHE:-$HOME/.cache/aotbot-native}
JOBS=$(nproc 2>/dev/null || echo 2)

log() { printf '== native: %s\n' "$*" >&2; }
die() { printf 'native/build.sh: %s\n' "$*" >&2; exit 1; }

case "$RID" in
  linux-x64|linux-arm64) ;;
  *) die "unsupported runtime identifier '$RID' (linux-x64, linux-arm64)" ;;
esac
# A cross build when the target is not the machine's own architecture (native/toolchain.sh holds the table).
# shellcheck source=toolchain.sh
source "$HERE/toolchain.sh"
toolchain_choose "$(uname -m)" "${RID#linux-}" || exit 1
CROSS=$TOOLCHAIN_CROSS

# --- cache key ---------------------------------------------------------------------------------------------
# "<package>-<debian version>" for each pinned package, the target, and a hash of this recipe and the pins.
pins() { grep -vE '^\s*(#|$)' "$HERE/versions"; }
PACKAGES=$(pins | awk '!seen[$1]++ { v = $2; gsub(":", "-", v); printf "%s%s-%s", sep, $1, v; sep="_" }')
RECIPE=$({ cat "$HERE/build.sh" "$HERE/toolchain.sh" "$HERE/versions" "$HERE"/jpeg/*.c "$HERE"/video/*.c; cat "$HERE"/patches/*.patch 2>/dev/null || true; } \
  | sha256sum | cut -c1-10)
KEY="$PACKAGES-$RID-$RECIPE"
DEST=$CACHE/$KEY

link_output() {
  mkdir -p "$HERE/out"
  local link=$HERE/out/$RID
  if [ -e "$link" ] && [ ! -L "$link" ]; then rm -rf "$link"; fi
  ln -sfn "$DEST" "$link"
  log "native/out/$RID -> $DEST"
}

if [ -f "$DEST/BUILDINFO" ]; then link_output; exit 0; fi

# --- prerequisites -----------------------------------------------------------------------------------------
APT_PACKAGES=(cmake ninja-build g++ patch xz-utils meson make)
[ "$RID" = linux-x64 ] && APT_PACKAGES+=(nasm)
[ -n "$CROSS" ] && APT_PACKAGES+=($TOOLCHAIN_PACKAGES)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages; run as root: apt-get install -y --no-install-recommends ${missing[*]}"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# One build per target at a time (worktrees share the cache); the winner's result serves the others.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock-$RID"
flock 9
if [ -f "$DEST/BUILDINFO" ]; then link_output; exit 0; fi

# --- sources -----------------------------------------------------------------------------------------------
# Vendored in native/sources/ and checked against native/versions: the build reads nothing from the network, so
# Debian replacing a revision cannot break it. native/update-sources.sh (maintainers only) refreshes them.
SOURCES=$HERE/sources
verify_sources() {
  local bad=0 pkg version file sha
  while read -r pkg version file sha; do
    if [ ! -f "$SOURCES/$file" ]; then
      printf 'native/build.sh: native/sources/%s (%s %s) is missing from the checkout\n' "$file" "$pkg" "$version" >&2; bad=1
    elif [ "$(sha256sum "$SOURCES/$file" | cut -d' ' -f1)" != "$sha" ]; then
      printf 'native/build.sh: native/sources/%s: sha256 differs from native/versions\n' "$file" >&2; bad=1
    fi
  done < <(pins)
  [ "$bad" -eq 0 ] || die "vendored sources do not match native/versions (native/update-sources.sh rewrites both)"
}
verify_sources

# --- build -------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "$CACHE/.build-$RID.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/stage
BUILD_LOG=$WORK/build.log
mkdir -p "$STAGE"

run() { # logged step; on failure the log's tail explains
  if ! "$@" >>"$BUILD_LOG" 2>&1; then
    tail -40 "$BUILD_LOG" >&2
    cp "$BUILD_LOG" "$CACHE/last-failure-$RID.log"
    die "failed: $* (full log: $CACHE/last-failure-$RID.log)"
  fi
}

# Unpacks the orig tarball and applies the Debian patch series in order; prints the source directory.
unpack() { # package
  local pkg=$1 orig debian dir
  orig=$(pins | awk -v p="$pkg" '$1 == p && $3 ~ /\.orig\.tar\./ { print $3; exit }')
  debian=$(pins | awk -v p="$pkg" '$1 == p && $3 ~ /\.debian\.tar\./ { print $3; exit }')
  dir=$WORK/src/$(tar tf "$SOURCES/$orig" | head -1 | cut -d/ -f1)
  mkdir -p "$WORK/src"
  tar xf "$SOURCES/$orig" -C "$WORK/src"
  tar xf "$SOURCES/$debian" -C "$dir"
  local patch opts
  # Some packages (libheif, dav1d) carry no patches at all.
  if [ -f "$dir/debian/patches/series" ]; then
    while read -r patch opts; do
      case "$patch" in ''|'#'*) continue ;; esac
      run patch -d "$dir" ${opts:--p1} --forward --batch -i "$dir/debian/patches/$patch"
    done <"$dir/debian/patches/series"
  fi
  # Then ours (native/patches/<package>-*.patch), each explained in its header.
  for patch in "$HERE"/patches/"$pkg"-*.patch; do
    [ -f "$patch" ] && run patch -d "$dir" -p1 --forward --batch -i "$patch"
  done
  echo "$dir"
}

# Hardening as Debian builds it: these libraries parse untrusted files. Sections let the final link drop unused code.
CFLAGS_COMMON="-fstack-protector-strong -D_FORTIFY_SOURCE=2 -ffunction-sections -fdata-sections"
CMAKE_COMMON=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_SHARED_LIBS=OFF
  -DCMAKE_INSTALL_PREFIX="$STAGE" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_PREFIX_PATH="$STAGE"
  -DCMAKE_C_FLAGS="$CFLAGS_COMMON" -DCMAKE_CXX_FLAGS="$CFLAGS_COMMON")
CC=gcc
CXX=g++
AR=ar
MESON_CROSS=()
if [ -n "$CROSS" ]; then
  CC=$CROSS-gcc
  CXX=$CROSS-g++
  AR=$CROSS-ar
  printf '%s\n' "[binaries]" "c = '$CROSS-gcc'" "ar = '$CROSS-ar'" "strip = '$CROSS-strip'" \
    "[host_machine]" "system = 'linux'" "cpu_family = '${CROSS%%-*}'" "cpu = '${CROSS%%-*}'" "endian = 'little'" >"$WORK/cross.meson"
  MESON_CROSS=(--cross-file "$WORK/cross.meson")
  cat >"$WORK/toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${CROSS%%-*})
set(CMAKE_C_COMPILER $CROSS-gcc)
set(CMAKE_CXX_COMPILER $CROSS-g++)
set(CMAKE_FIND_ROOT_PATH /usr/$CROSS $STAGE)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF
  CMAKE_COMMON+=(-DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake")
fi
# Never let pkg-config offer the machine's own (shared, full-featured) libraries.
export PKG_CONFIG_LIBDIR=$STAGE/lib/pkgconfig PKG_CONFIG_PATH=

cmake_build() { # source dir, build dir, extra args...
  local src=$1 build=$2; shift 2
  run cmake -S "$src" -B "$build" "${CMAKE_COMMON[@]}" "$@"
  run cmake --build "$build" -j "$JOBS"
  run cmake --install "$build"
}

started=$(date +%s)
log "building libde265 for $RID"
src=$(unpack libde265)
cmake_build "$src" "$WORK/build-de265" \
  -DENABLE_SDL=OFF -DENABLE_ENCODER=OFF -DENABLE_DECODER=OFF

log "building libjpeg-turbo for $RID"
src=$(unpack libjpeg-turbo)
# (libjpeg-turbo resolves a relative CMAKE_INSTALL_LIBDIR against the working directory.)
cmake_build "$src" "$WORK/build-jpeg" -DCMAKE_INSTALL_LIBDIR="$STAGE/lib" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DREQUIRE_SIMD=ON \
  -DWITH_TURBOJPEG=OFF -DWITH_JAVA=OFF -DWITH_ARITH_DEC=OFF -DWITH_ARITH_ENC=OFF
run "$CC" -O2 -fPIC $CFLAGS_COMMON -fvisibility=hidden -Wall -I"$STAGE/include" \
  -c "$HERE/jpeg/aotbot_jpeg.c" -o "$WORK/aotbot_jpeg.o"
run "$AR" rcs "$STAGE/lib/libaotbotjpeg.a" "$WORK/aotbot_jpeg.o"
run "$CC" -shared -o "$STAGE/lib/libaotbotjpeg.so" -Wl,-soname,libaotbotjpeg.so "$WORK/aotbot_jpeg.o" "$STAGE/lib/libjpeg.a" \
  -Wl,--exclude-libs,ALL -Wl,--gc-sections -Wl,--no-undefined -Wl,-z,relro,-z,now -s

log "building openh264 (encoder only) for $RID"
src=$(unpack openh264)
# Its own Makefile: the encoder and the two libraries it needs (no decoder, no shared library, no tools). At -Os: a
# slideshow is a few frames a second of still images, so size wins over speed (measured in README's size table).
# Assembly on: nasm on x86-64, NEON on arm64. CFLAGS from the environment, so the Makefile's own flags add to them.
OPENH264_ARCH=x86_64
[ "$RID" = linux-arm64 ] && OPENH264_ARCH=aarch64
run env CFLAGS="$CFLAGS_COMMON" CXXFLAGS="$CFLAGS_COMMON" make -C "$src" -j "$JOBS" OS=linux ARCH=$OPENH264_ARCH \
  CC="$CC" CXX="$CXX" AR="$AR" CFLAGS_OPT=-Os USE_STACK_PROTECTOR=No libencoder.a libprocessing.a libcommon.a
printf '%s\n' "create $STAGE/lib/libopenh264.a" "addlib $src/libencoder.a" "addlib $src/libprocessing.a" \
  "addlib $src/libcommon.a" save end >"$WORK/openh264.mri"
run "$AR" -M <"$WORK/openh264.mri"
run "$CC" -O2 -fPIC $CFLAGS_COMMON -fvisibility=hidden -Wall -I"$src/codec/api" \
  -c "$HERE/video/aotbot_video.c" -o "$WORK/aotbot_video.o"
run "$AR" rcs "$STAGE/lib/libaotbotvideo.a" "$WORK/aotbot_video.o"
run "$CXX" -shared -o "$STAGE/lib/libaotbotvideo.so" -Wl,-soname,libaotbotvideo.so "$WORK/aotbot_video.o" \
  "$STAGE/lib/libopenh264.a" -Wl,--exclude-libs,ALL -Wl,--gc-sections -Wl,--no-undefined -Wl,-z,relro,-z,now -pthread -s

log "building dav1d for $RID"
src=$(unpack dav1d)
# Both bit depths (10-bit AVIF exists); no tools, tests or logging; assembly on (nasm for x86-64).
run meson setup "$WORK/build-dav1d" "$src" "${MESON_CROSS[@]}" --buildtype=release --default-library=static \
  --prefix="$STAGE" --libdir=lib -Db_pic=true -Dc_args="$CFLAGS_COMMON" \
  -Denable_tools=false -Denable_tests=false -Denable_examples=false -Dlogging=false -Dbitdepths=8,16
run ninja -C "$WORK/build-dav1d" -j "$JOBS" install

log "building libheif for $RID"
src=$(unpack libheif)
# Optimised for size: libheif parses boxes and hands the bitstream to libde265/dav1d, which do the heavy work (and stay
# at -O3). 1.15 -> 1.19 at -O3 added 0.63 MB to the linked decoder, at -Os 0.15 MB (measured with a static link of the
# functions we call), with no measurable loss in the imaging bench.
cmake_build "$src" "$WORK/build-heif" -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DENABLE_PLUGIN_LOADING=OFF -DWITH_EXAMPLES=OFF -DWITH_GDK_PIXBUF=OFF \
  -DWITH_LIBDE265=ON -DWITH_LIBDE265_PLUGIN=OFF \
  -DLIBDE265_INCLUDE_DIR="$STAGE/include" -DLIBDE265_LIBRARY="$STAGE/lib/libde265.a" \
  -DWITH_DAV1D=ON -DWITH_DAV1D_PLUGIN=OFF \
  -DDAV1D_INCLUDE_DIR="$STAGE/include" -DDAV1D_LIBRARY="$STAGE/lib/libdav1d.a" \
  -DWITH_X265=OFF -DWITH_AOM_ENCODER=OFF -DWITH_AOM_DECODER=OFF -DWITH_SvtEnc=OFF -DWITH_RAV1E=OFF \
  -DWITH_KVAZAAR=OFF -DWITH_OpenH264_DECODER=OFF -DWITH_JPEG_DECODER=OFF -DWITH_JPEG_ENCODER=OFF \
  -DWITH_OpenJPEG_DECODER=OFF -DWITH_OpenJPEG_ENCODER=OFF -DWITH_FFMPEG_DECODER=OFF -DWITH_OPENJPH_ENCODER=OFF \
  -DWITH_UNCOMPRESSED_CODEC=OFF -DWITH_LIBSHARPYUV=OFF -DWITH_HEADER_COMPRESSION=OFF -DWITH_FUZZERS=OFF \
  -DBUILD_TESTING=OFF -DENABLE_EXPERIMENTAL_MINI_FORMAT=OFF
# (grep without -q reads all of nm's output: no SIGPIPE under pipefail)
nm "$STAGE/lib/libheif.a" 2>/dev/null | grep get_decoder_plugin_libde265 >/dev/null || die "libheif was built without its libde265 decoder"
nm "$STAGE/lib/libheif.a" 2>/dev/null | grep get_decoder_plugin_dav1d >/dev/null || die "libheif was built without its dav1d decoder"

# The shared twin for JIT runs: libheif's API exported, the decoder's symbols kept private.
log "linking libheif.so"
run "$CXX" -shared -o "$STAGE/lib/libheif.so" -Wl,-soname,libheif.so \
  -Wl,--whole-archive "$STAGE/lib/libheif.a" -Wl,--no-whole-archive "$STAGE/lib/libde265.a" "$STAGE/lib/libdav1d.a" \
  -Wl,--exclude-libs,libde265.a:libdav1d.a -Wl,--gc-sections -Wl,--no-undefined -Wl,-z,relro,-z,now -pthread -ldl -s

exported=$(nm -D --defined-only "$STAGE/lib/libheif.so" | awk '{ print $3 }')
grep -qx heif_context_alloc <<<"$exported" || die "libheif.so exports no heif_context_alloc"
! grep -qE '^(de265|dav1d)_' <<<"$exported" || die "libheif.so exports its decoders' symbols"
[ "$(nm -D --defined-only "$STAGE/lib/libaotbotjpeg.so" | awk '{ print $3 }' | grep -vc '^aotbot_jpeg_')" -eq 0 ] \
  || die "libaotbotjpeg.so exports more than aotbot_jpeg_*"
[ "$(nm -D --defined-only "$STAGE/lib/libaotbotvideo.so" | awk '{ print $3 }' | grep -vc '^aotbot_video_')" -eq 0 ] \
  || die "libaotbotvideo.so exports more than aotbot_video_*"

rm -rf "$STAGE/lib/pkgconfig" "$STAGE/lib/cmake" "$STAGE/bin" "$STAGE/share" "$STAGE/lib/libturbojpeg.a"
{
  echo "rid=$RID"
  echo "key=$KEY"
  pins | awk '{ print "source=" $3 " sha256=" $4 }'
  for patch in "$HERE"/patches/*.patch; do
    [ -f "$patch" ] && echo "patch=$(basename "$patch") sha256=$(sha256sum "$patch" | cut -d' ' -f1)"
  done
  echo "cflags=$CFLAGS_COMMON"
  echo "compiler=$("$CXX" --version | head -1)"
  echo "seconds=$(($(date +%s) - started))"
  (cd "$STAGE/lib" && ls -l libheif.a libde265.a libdav1d.a libjpeg.a libaotbotjpeg.a libopenh264.a libaotbotvideo.a libheif.so libaotbotjpeg.so libaotbotvideo.so | awk '{ print "size " $9 "=" $5 }')
} >"$STAGE/BUILDINFO"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
log "built in $(($(date +%s) - started)) s: $(cd "$DEST/lib" && ls -l *.a *.so | awk '{ printf "%s %.2f MB  ", $9, $5 / 1048576 }')"
link_output
