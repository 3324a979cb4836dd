#!/usr/bin/env bash
# HTTP download benchmark: builds bench/http (Release, JIT) and prints the table.
# Throughput vs curl -o /dev/null on the same loopback server, bytes allocated per download, peak RSS of the
# spill-to-file path for 50 MB vs 200 MB bodies. Needs curl. Usage: bench/http/run.sh
set -euo pipefail
cd "$(dirname "$0")"
command -v curl >/dev/null || { echo "bench/http: curl is required" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" -o ../../artifacts/bench-http HttpBench.csproj >&2
exec ../../artifacts/bench-http/HttpBench "$@"
