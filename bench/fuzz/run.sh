#!/usr/bin/env bash
# Long fuzz run of the format sniffer and the HEIF/AVIF decode path (the test suite runs a short one).
#   bench/fuzz/run.sh [iterations]        default 20000; FUZZ_SEED=<n> for another sequence of mutations
# Seeds: tests/AotBot.Tests/Fixtures/Imaging/*.heic|avif and Fixtures/Fuzz/seeds/. Decoding happens in `aotbot convert`
# children: the published binary (artifacts/linux-x64/aotbot, from ./build.sh) when there is one, else the JIT build.
# Crashers and hangs land in artifacts/fuzz-findings/: copy them to tests/AotBot.Tests/Fixtures/Fuzz/crashers/ with a fix.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ITERATIONS=${1:-20000}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
OUT=$ROOT/artifacts/bench-fuzz
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" -o "$OUT" bench/fuzz/HeifFuzz.csproj >&2
BINARY=$ROOT/artifacts/linux-x64/aotbot
[ -x "$BINARY" ] || BINARY=$OUT/aotbot
exec "$OUT/HeifFuzz" "$BINARY" "$ROOT/artifacts/fuzz-findings" "$ITERATIONS" \
  "$ROOT/tests/AotBot.Tests/Fixtures/Imaging" "$ROOT/tests/AotBot.Tests/Fixtures/Fuzz/seeds"
