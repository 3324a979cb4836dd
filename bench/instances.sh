#!/usr/bin/env bash
# Several instances on one PostgreSQL, side by side with the single SQLite instance, in one command (about 3 minutes):
#   bench/instances.sh [artifacts dir (default artifacts/linux-x64)]
# The load mix (300 video links and 100 music presses from 200 users) queued at once, worked by 1, 2 and 3 instances
# on a throwaway PostgreSQL (tests/scripts/postgres.sh) and by one on SQLite: updates/s answered, p50/p95 from queued
# to answered, and PostgreSQL's transactions and statement time per update (pg_stat_database). Everything runs on
# 127.0.0.1. stdout is the table README quotes; progress and every raw figure go to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ARTIFACTS=$(cd "${1:-$ROOT/artifacts/linux-x64}" && pwd)
BIN=$ARTIFACTS/aotbot
WORK=$(mktemp -d /tmp/aotbot-instances-XXXXXX)
RESULTS=$WORK/results.txt
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '== %s\n' "$*" >&2; }

[ -x "$BIN" ] || { echo "bench/instances.sh: $BIN missing; run ./build.sh first" >&2; exit 1; }
# shellcheck source=../tests/scripts/postgres.sh
source "$ROOT/tests/scripts/postgres.sh"
trap 'postgres_stop' EXIT
[ -n "${AOTBOT_TEST_POSTGRES:-}" ] || { echo "bench/instances.sh: no PostgreSQL (apt-get install postgresql)" >&2; exit 1; }

log "building bench/load"
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" -o "$ROOT/artifacts/bench-load" "$HERE/load/LoadBench.csproj" >&2
LOAD=$ROOT/artifacts/bench-load/LoadBench

log "one instance on SQLite"
"$LOAD" instances --bin "$BIN" --data "$WORK" | tee -a "$RESULTS" >&2 || true
for n in 1 2 3; do
  log "$n instance(s) on PostgreSQL"
  "$LOAD" instances --bin "$BIN" --data "$WORK" --instances "$n" --postgres "$AOTBOT_TEST_POSTGRES" | tee -a "$RESULTS" >&2 || true
done

get() { awk -v k="$1" -F': ' '$1 == k {print $2; exit}' "$RESULTS"; }
row() { # label name
  printf '| %s | %s / %s | %s | %s / %s ms | %s | %s | %s |\n' "$1" "$(get "instances_$2_answered")" "$(get "instances_$2_updates")" \
    "$(get "instances_$2_per_s")" "$(get "instances_$2_p50_ms")" "$(get "instances_$2_p95_ms")" "$(get "instances_$2_cpu_s")" \
    "$(get "instances_$2_store_tx_per_update")" "$(get "instances_$2_store_ms_per_update")"
}
echo "| 300 video links + 100 music presses from 200 users, queued at once | answered | updates/s | p50 / p95 | bot CPU s | store tx / update | store ms / update |"
echo "|---|---|---|---|---|---|---|"
row "1 instance, SQLite" sqlite
for n in 1 2 3; do row "$n instance(s), one PostgreSQL" "postgres-$n"; done
echo "(store columns: PostgreSQL's pg_stat_database, committed + rolled-back transactions and statement time; SQLite is in-process, not counted)"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); the machine is shared)"
