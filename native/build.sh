#!/usr/bin/env bash
# Builds, for one runtime identifier, libheif with its HEVC (libde265) and AV1 (dav1d) decoders, decode-only, and
# libjpeg-turbo behind a small C face (native/jpeg/aotbot_jpeg.c):
#   static libheif.a libde265.a libdav1d.a libaotbotjpeg.a libjpeg.a  for the Native AOT link (nothing shared ships)
#   shared libheif.so, libaotbotjpeg.so (dependencies inside)         so JIT builds and tests can [LibraryImport] them.
# Usage: native/build.sh [linux-x64|linux-arm64]
# Sources are Debian bookworm's source packages pinned in native/versions (sha256-checked), with Debian's patches
# and then ours from native/patches/.
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
RECIPE=$(cat "$HERE/build.sh" "$HERE/toolchain.sh" "$HERE/versions" "$HERE"/patches/*.patch "$HERE"/jpeg/*.c 2>/dev/null | sha256sum | cut -c1-10)
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
APT_PACKAGES=(cmake ninja-build g++ patch xz-utils meson)
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
SOURCES=$CACHE/sources
mkdir -p "$SOURCES"

verified() { # file sha256
  [ -f "$SOURCES/$1" ] && [ "$(sha256sum "$SOURCES/$1" | cut -d' ' -f1)" = "$2" ]
}

# A private apt configuration with deb-src twins of the machine's Debian sources: /etc stays untouched.
APT_DIR=$CACHE/apt
APT_OPTS=(-o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache"
  -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$APT_DIR/parts"
  -o "APT::Sandbox::User=$(id -un)" -q)
apt_ready=
private_apt() {
  [ -n "$apt_ready" ] && return 0
  rm -rf "$APT_DIR/parts"
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/parts"
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas with Types: deb whose URIs name a Debian archive, as deb-src.
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /(^|\n)Types:[^\n]*deb/ && /(^|\n)URIs:[^\n]*debian/ {
           sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' "$f" >>"$APT_DIR/parts/debian-src.sources"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' "$f" >>"$APT_DIR/parts/debian-src.list"
  done
  [ -s "$APT_DIR/parts/debian-src.sources" ] || [ -s "$APT_DIR/parts/debian-src.list" ] \
    || die "no Debian apt source found in /etc/apt to derive deb-src entries from"
  log "apt-get update (private deb-src configuration in $APT_DIR)"
  apt-get "${APT_OPTS[@]}" update >"$APT_DIR/update.log" 2>&1 || { cat "$APT_DIR/update.log" >&2; die "apt-get update failed"; }
  apt_ready=1
}

fetch() { # package version
  local pkg=$1 version=$2 file sha missing_files=()
  while read -r _ _ file sha; do
    verified "$file" "$sha" || missing_files+=("$file")
  done < <(pins | awk -v p="$pkg" -v v="$version" '$1 == p && $2 == v')
  [ ${#missing_files[@]} -eq 0 ] && return 0
  private_apt
  log "fetching $pkg $version (${missing_files[*]})"
  # The exact version first. A security suite may list files its pool does not serve (libde265 1.0.11-1+deb12u3:
  # the .dsc and orig tarball answer 404); the identical orig tarball then comes from another suite's revision.
  (cd "$SOURCES" && apt-get "${APT_OPTS[@]}" source --download-only "$pkg=$version") >>"$APT_DIR/fetch.log" 2>&1 || true
  local other
  for other in $(apt-cache "${APT_OPTS[@]}" showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -u); do
    local all=1
    while read -r _ _ file sha; do verified "$file" "$sha" || all=; done \
      < <(pins | awk -v p="$pkg" -v v="$version" '$1 == p && $2 == v')
    [ -n "$all" ] && break
    [ "$other" = "$version" ] && continue
    (cd "$SOURCES" && apt-get "${APT_OPTS[@]}" source --download-only "$pkg=$other") >>"$APT_DIR/fetch.log" 2>&1 || true
  done
  while read -r _ _ file sha; do
    if ! verified "$file" "$sha"; then
      tail -20 "$APT_DIR/fetch.log" >&2
      if [ -f "$SOURCES/$file" ]; then
        mv "$SOURCES/$file" "$SOURCES/$file.bad"
        die "$file: sha256 differs from native/versions (kept as $SOURCES/$file.bad)"
      fi
      die "$file could not be fetched; if Debian replaced $pkg $version, update native/versions"
    fi
  done < <(pins | awk -v p="$pkg" -v v="$version" '$1 == p && $2 == v')
}

while read -r pkg version; do fetch "$pkg" "$version"; done < <(pins | awk '!seen[$1]++ { print $1, $2 }')

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
  while read -r patch opts; do
    case "$patch" in ''|'#'*) continue ;; esac
    run patch -d "$dir" ${opts:--p1} --forward --batch -i "$dir/debian/patches/$patch"
  done <"$dir/debian/patches/series"
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

log "building dav1d for $RID"
src=$(unpack dav1d)
# Both bit depths (10-bit AVIF exists); no tools, tests or logging; assembly on (nasm for x86-64).
run meson setup "$WORK/build-dav1d" "$src" "${MESON_CROSS[@]}" --buildtype=release --default-library=static \
  --prefix="$STAGE" --libdir=lib -Db_pic=true -Dc_args="$CFLAGS_COMMON" \
  -Denable_tools=false -Denable_tests=false -Denable_examples=false -Dlogging=false -Dbitdepths=8,16
run ninja -C "$WORK/build-dav1d" -j "$JOBS" install

log "building libheif for $RID"
src=$(unpack libheif)
cmake_build "$src" "$WORK/build-heif" \
  -DENABLE_PLUGIN_LOADING=OFF -DWITH_EXAMPLES=OFF -DWITH_GDK_PIXBUF=OFF \
  -DWITH_LIBDE265=ON -DWITH_LIBDE265_PLUGIN=OFF \
  -DLIBDE265_INCLUDE_DIR="$STAGE/include" -DLIBDE265_LIBRARY="$STAGE/lib/libde265.a" \
  -DWITH_DAV1D=ON -DWITH_DAV1D_PLUGIN=OFF \
  -DDAV1D_INCLUDE_DIR="$STAGE/include" -DDAV1D_LIBRARY="$STAGE/lib/libdav1d.a" \
  -DWITH_X265=OFF -DWITH_AOM_ENCODER=OFF -DWITH_AOM_DECODER=OFF -DWITH_SvtEnc=OFF -DWITH_RAV1E=OFF
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

rm -rf "$STAGE/lib/pkgconfig" "$STAGE/lib/cmake" "$STAGE/bin" "$STAGE/share" "$STAGE/lib/libturbojpeg.a"
{
  echo "rid=$RID"
  echo "key=$KEY"
  pins | awk '{ print "source=" $3 " sha256=" $4 }'
  (cd "$HERE/patches" && sha256sum ./*.patch | awk '{ print "patch=" substr($2, 3) " sha256=" $1 }')
  echo "cflags=$CFLAGS_COMMON"
  echo "compiler=$("$CXX" --version | head -1)"
  echo "seconds=$(($(date +%s) - started))"
  (cd "$STAGE/lib" && ls -l libheif.a libde265.a libdav1d.a libjpeg.a libaotbotjpeg.a libheif.so libaotbotjpeg.so | awk '{ print "size " $9 "=" $5 }')
} >"$STAGE/BUILDINFO"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
log "built in $(($(date +%s) - started)) s: $(cd "$DEST/lib" && ls -l *.a *.so | awk '{ printf "%s %.2f MB  ", $9, $5 / 1048576 }')"
link_output
