#!/usr/bin/env bash
# Where the bytes of the published Native AOT binary go, as markdown tables on stdout: every shipped file; the binary
# by what the linker put in (the ILC's object, the runtime, each static library, the linker's own tables); the ILC's
# object by section; managed code and types per assembly and the other managed data by kind (the ILC's .mstat).
#   bench/size/run.sh [--arch arm64] [-p:Property=value ...]
# Publishes like ./build.sh (Release, same switches) into .build/size/<rid>/, adding only the map and the mstat, which
# change no byte of the binary. Extra -p: arguments go to dotnet publish: that is how a candidate cut is measured
# (e.g. -p:StackTraceSupport=true to see what the stack-trace data costs). Progress and the IL warning count go to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ARCH=x64
PROPS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=$2; shift ;;
    --arch=*) ARCH=${1#--arch=} ;;
    -p:*) PROPS+=("$1") ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench/size/run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=../../native/toolchain.sh
source native/toolchain.sh
toolchain_choose "$(uname -m)" "$ARCH" || exit 2
RID=$TOOLCHAIN_RID
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { printf '== %s\n' "$*" >&2; }

OUT=$ROOT/.build/size/$RID
MAP=$ROOT/.build/size/$RID.map
LOG=$ROOT/.build/size/publish-$RID.log
OBJ=$ROOT/src/AotBot/obj/Release/net10.0/$RID/native
mkdir -p "$ROOT/.build/size"
[ -x native/build.sh ] && native/build.sh "$RID"
log "publishing $RID with the link map and the mstat ${PROPS[*]}"
rm -rf "$OUT" "$MAP" "$OBJ/aotbot.mstat"
if ! dotnet publish src/AotBot/AotBot.csproj -c Release -r "$RID" -o "$OUT" -nologo -clp:NoSummary \
    -p:SourceRevisionId="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    -p:IlcGenerateMstatFile=true -p:AotBotLinkMap="$MAP" "${PROPS[@]}" >"$LOG" 2>&1; then
  grep -E "error|warning" "$LOG" | sort -u >&2 || true
  echo "bench/size/run.sh: publish failed; full log in $LOG" >&2
  exit 1
fi
rm -f "$OUT"/*.pdb "$OUT"/*.dbg
log "IL2xxx/IL3xxx warnings: $(grep -oE "warning IL[23][0-9]{3}[^[]*" "$LOG" | sort -u | wc -l)"

log "building bench/size"
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" -p:AotBotSkipNativeBuild=true \
  -o "$ROOT/artifacts/bench-size" bench/size/SizeReport.csproj >&2
echo "AotBot $(git rev-parse --short HEAD 2>/dev/null || echo unknown) $RID, $(date -u '+%Y-%m-%d %H:%M UTC')${PROPS[*]:+, ${PROPS[*]}}"
echo
exec "$ROOT/artifacts/bench-size/SizeReport" "$OUT/aotbot" "$MAP" "$OBJ/aotbot.mstat" "$OUT"
