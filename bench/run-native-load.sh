#!/usr/bin/env bash
# Load benchmark: Pmcp's native host against the official C# MCP SDK and a bare Kestrel endpoint (same JSON-RPC body
# parsed, same answer written), all serving `echo` on 127.0.0.1. Builds every program in Release once, then runs the
# rounds; the report goes to bench/results/native-load-<date>.md (with --wrk: native-load-wrk-<date>.md).
# Options (passed to the load bench): --wrk --duration S --warmup S --rounds N --concurrency N --gc workstation|server --results DIR
#   --wrk: load from wrk instead of the C# client, the server pinned to CPU 0 and wrk to CPU 1 (needs wrk and taskset).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: dotnet is not on PATH; the load benchmark needs the .NET 10 SDK" >&2
  exit 2
fi

for arg in "$@"; do
  if [[ "$arg" == "--wrk" ]]; then
    if ! command -v wrk >/dev/null 2>&1; then
      cat >&2 <<'EOF'
error: --wrk needs wrk (the HTTP load generator), which is not on PATH. Install it:
  Debian/Ubuntu:  sudo apt-get install -y wrk
  Fedora:         sudo dnf install wrk
  from source:    git clone https://github.com/wg/wrk && make -C wrk, then put wrk/wrk on PATH
--wrk also needs taskset (util-linux) and at least 2 cores; without --wrk, the default C# client needs neither.
EOF
      exit 2
    fi
    if ! command -v taskset >/dev/null 2>&1; then
      echo "error: --wrk needs taskset (util-linux; Debian/Ubuntu: sudo apt-get install -y util-linux)" >&2
      exit 2
    fi
  fi
done

echo "Building Release (servers and load client)..."
for project in bench/PeerServers/PmcpEcho bench/PeerServers/OfficialSdkEcho bench/PeerServers/BareKestrelEcho bench/Pmcp.LoadBench; do
  dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly
done

exec dotnet bench/Pmcp.LoadBench/bin/Release/net10.0/Pmcp.LoadBench.dll "$@"
