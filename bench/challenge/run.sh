#!/usr/bin/env bash
# Time to solve TikTok's proof-of-work page, worst case (i = 1,000,000) included: builds bench/challenge (Release, JIT)
# and prints the table; the published binary (artifacts/linux-x64/aotbot, from ./build.sh) is measured when present.
#   bench/challenge/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
OUT=$ROOT/artifacts/bench-challenge
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" -p:AotBotSkipNativeBuild=true -o "$OUT" bench/challenge/ChallengeBench.csproj >&2
exec "$OUT/ChallengeBench" "$ROOT/artifacts/linux-x64/aotbot"
