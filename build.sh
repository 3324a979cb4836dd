#!/usr/bin/env bash
# AotBot build entry point.
#   ./build.sh                 install missing prerequisites (as root), build native/, publish artifacts/linux-x64/
#   ./build.sh test            the above, then the whole test suite (unit, end-to-end, AOT smoke, distroless rootfs)
#   ./build.sh --arch arm64    cross-publish artifacts/linux-arm64/
# Both are idempotent and fast when nothing changed. The last line of `test` is "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

ARCH=x64
CMD=build
while [ $# -gt 0 ]; do
  case "$1" in
    test) CMD=test ;;
    bench) CMD=bench ;;
    --arch) ARCH=$2; shift ;;
    --arch=*) ARCH=${1#--arch=} ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
# The runtime identifier and, when the target is not this machine's architecture, the cross toolchain.
# shellcheck source=native/toolchain.sh
source native/toolchain.sh
toolchain_choose "$(uname -m)" "$ARCH" || exit 2
RID=$TOOLCHAIN_RID
OUT=$ROOT/artifacts/$RID
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '== %s\n' "$*" >&2; }

# --- prerequisites -----------------------------------------------------------------------------------------
# native/build.sh's own (it checks them again, but installs nothing once these are here).
APT_PACKAGES=(clang cmake ninja-build pkg-config dpkg-dev g++ patch xz-utils meson make)
[ "$ARCH" = x64 ] && APT_PACKAGES+=(nasm)
if [ "$CMD" = test ]; then
  # heif-enc makes test images; postgresql for the storage suite; the distroless rootfs test copies these packages' files;
  # the arm64 cross build runs under qemu; systemd-analyze checks the unit file; ffprobe checks the slideshow MP4s.
  APT_PACKAGES+=(libheif-examples imagemagick postgresql libssl3 ca-certificates tzdata netbase
    crossbuild-essential-arm64 qemu-user-static llvm systemd ffmpeg)
fi
if [ -n "$TOOLCHAIN_CROSS" ]; then
  # llvm-objcopy strips the cross-linked binary.
  APT_PACKAGES+=($TOOLCHAIN_PACKAGES llvm)
fi

ensure_prerequisites() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "build.sh: missing packages; run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- native/ ---------------------------------------------------------------------------------------------
# The sources are vendored (native/sources/): the native build needs no network, and where a network namespace can
# be made it runs without one, so a download that crept into it fails here rather than on an operator's machine.
build_native() {
  [ -x native/build.sh ] || return 0
  if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    unshare -n native/build.sh "$RID"
  else
    native/build.sh "$RID"
  fi
}

# --- publish ---------------------------------------------------------------------------------------------
source_stamp() {
  # Everything that changes the published files: sources, project files, native outputs.
  # (Outside a git work tree, as in a Docker build, the git lines are empty and the stamp never matches.)
  { git ls-files -s src Directory.Build.props Directory.Packages.props native 2>/dev/null || true
    git diff HEAD -- src Directory.Build.props Directory.Packages.props native 2>/dev/null || true
    git ls-files --others --exclude-standard src native 2>/dev/null | xargs -r sha1sum || true
    ls -l native/out/"$RID"/lib 2>/dev/null
    echo "$RID"; } | sha1sum | cut -d' ' -f1
}

publish() {
  local stamp; stamp=$(source_stamp)
  if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] && [ -x "$OUT/aotbot" ]; then
    log "artifacts/$RID is up to date"
  else
    log "publishing $RID (Native AOT)"
    # AOTBOT_REVISION: where there is no .git (a Docker build context), the revision comes from outside.
    local commit; commit=${AOTBOT_REVISION:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
    local logfile=$ROOT/.build/publish-$RID.log
    mkdir -p "$ROOT/.build"
    rm -rf "$OUT"
    if ! dotnet publish src/AotBot/AotBot.csproj -c Release -r "$RID" -o "$OUT" \
        -p:SourceRevisionId="$commit" -nologo -clp:NoSummary >"$logfile" 2>&1; then
      grep -E "error|warning" "$logfile" | sort -u >&2 || true
      echo "build.sh: publish failed; full log in $logfile" >&2
      exit 1
    fi
    # The AOT gate: no trim/AOT warning at all may pass (ours are errors already; this also catches packages').
    if grep -E "warning IL[23][0-9]{3}" "$logfile" | sort -u | grep . >&2; then
      echo "build.sh: trim/AOT warnings above; the AOT gate fails" >&2
      exit 1
    fi
    rm -f "$OUT"/*.pdb "$OUT"/*.dbg
    echo "$stamp" >"$OUT/.stamp"
  fi
  local binary shipped
  binary=$(stat -c %s "$OUT/aotbot")
  shipped=$(find "$OUT" -type f ! -name .stamp -printf '%s\n' | awk '{s+=$1} END {print s}')
  awk -v r="$RID" -v b="$binary" -v s="$shipped" \
    'BEGIN { printf "shipped artifacts/%s: aotbot %.1f MB, all files %.1f MB\n", r, b / 1048576, s / 1048576 }' >&2
  find "$OUT" -type f ! -name .stamp -printf '  %f %s\n' >&2
}

# --- tests -----------------------------------------------------------------------------------------------
run_tests() {
  local results=$ROOT/.build/test-results
  rm -rf "$results"; mkdir -p "$results"
  export AOTBOT_PUBLISHED_DIR=$OUT
  [ -x "$ROOT/artifacts/linux-arm64/aotbot" ] && export AOTBOT_PUBLISHED_DIR_ARM64=$ROOT/artifacts/linux-arm64
  if [ -x tests/scripts/postgres.sh ]; then
    # Starts a throwaway PostgreSQL cluster on 127.0.0.1 and exports AOTBOT_TEST_POSTGRES.
    # shellcheck disable=SC1091
    source tests/scripts/postgres.sh
    trap 'postgres_stop || true' EXIT
  fi
  local status=0 rc=0
  set +e
  # A test that runs past the hang timeout is killed and named (blame), instead of eating CI's time limit.
  dotnet test AotBot.sln -c Release --logger "trx;LogFilePrefix=tests" --results-directory "$results" \
    --blame-hang --blame-hang-timeout "${AOTBOT_TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type none \
    -nologo 2>&1 | tee "$ROOT/.build/test.log" | grep -vE "^\s*$|Warn|warn"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || status=1
  # Totals over every test run, from the TRX files (one per test assembly).
  local passed=0 failed=0 skipped=0
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    local p f
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    passed=$((passed + p)); failed=$((failed + f))
  done
  # Skipped tests are counted and, when few, named: a skip is a test that proved nothing.
  local skipped_names
  skipped_names=$(cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="NotExecuted"[^>]*' \
    | sed -n 's/.*testName="\([^"]*\)".*/\1/p' | sort -u || true)
  [ -n "$skipped_names" ] && skipped=$(wc -l <<<"$skipped_names")
  if [ "$skipped" -gt 0 ]; then
    if [ "$skipped" -lt 20 ]; then echo "$skipped skipped: $(paste -sd ';' <<<"$skipped_names" | sed 's/;/; /g')"
    else echo "$skipped skipped (names in $results/*.trx)"; fi
    # CI is set up to run every test: there a skip is a failure (an install step or a capability went missing).
    if [ "${AOTBOT_FAIL_ON_SKIP:-}" = 1 ]; then
      echo "AOTBOT_FAIL_ON_SKIP=1: the $skipped skipped tests count as failed"
      failed=$((failed + skipped))
    fi
  else
    echo "0 skipped"
  fi
  # A run that executed no test, or any failure, fails the build.
  if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then status=1; fi
  echo "$passed passed, $failed failed"
  return $status
}

ensure_prerequisites
build_native
case "$CMD" in
  build) publish ;;
  test)
    publish
    if [ "$ARCH" = x64 ]; then
      # The arm64 cross build is part of the suite: its binary runs under qemu in the smoke tests.
      RID=linux-arm64 OUT=$ROOT/artifacts/linux-arm64
      build_native; publish
      RID=linux-x64 OUT=$ROOT/artifacts/linux-x64
    fi
    run_tests ;;
  bench) publish; exec bench/run.sh "$OUT" ;;
esac
