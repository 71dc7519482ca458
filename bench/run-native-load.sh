#!/usr/bin/env bash
# Load benchmark: Pmcp's native host against the official C# MCP SDK, both serving `echo` on 127.0.0.1.
# Builds every program in Release once, then runs the rounds; the report goes to bench/results/native-load-<date>.md.
# Options (passed to the load bench): --duration S --warmup S --rounds N --concurrency N --gc workstation|server --results DIR
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: dotnet is not on PATH; the load benchmark needs the .NET 10 SDK" >&2
  exit 2
fi

echo "Building Release (servers and load client)..."
for project in bench/PeerServers/PmcpEcho bench/PeerServers/OfficialSdkEcho bench/Pmcp.LoadBench; do
  dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly
done

exec dotnet bench/Pmcp.LoadBench/bin/Release/net10.0/Pmcp.LoadBench.dll "$@"
