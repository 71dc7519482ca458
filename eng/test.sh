#!/usr/bin/env bash
# The test command (README, CI): installs the Node side (the official MCP client and conformance suite),
# builds everything once, runs every test project, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is needed: $2" >&2; exit 1; }
}
need dotnet "install the .NET 10 SDK"
need node "install Node.js 20 or later (the official MCP client and conformance suite run on it)"
need npm "install npm (it comes with Node.js)"

echo "==> npm ci (tests/e2e: @modelcontextprotocol/sdk, @modelcontextprotocol/conformance, Node 22 for the suite, PGlite for Hyperdrive)"
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error

echo "==> dotnet build ($configuration)"
dotnet build Pmcp.slnx -c "$configuration" -nologo -v:q -clp:NoSummary

# wrangler (the pinned one, from npm) is installed once up front, the way users get it, so that every test assembly
# that drives it (workerd, fake Cloudflare API) finds it whatever order they run in.
echo "==> dotnet pmcp tools install (into tests/e2e/.pmcp-tools)"
PMCP_TOOLS_DIR="$PWD/tests/e2e/.pmcp-tools" dotnet "src/Pmcp.Cli/bin/$configuration/net10.0/dotnet-pmcp.dll" tools install

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e

# The JS host's own modules (request state, inbox, timers), with Node's test runner.
echo "==> node --test tests/host"
node --test --test-reporter=tap tests/host/ 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

echo "==> dotnet test"
dotnet test Pmcp.slnx -c "$configuration" --no-build -nologo 2>&1 | tee -a "$log"
[[ ${PIPESTATUS[0]} == 0 ]] || status=1

# The Workers again, each restored from its start-up image instead of booting .NET: the same end-to-end, runtime,
# bindings and conformance tests must pass in both modes (docs/workers-snapshot.md). Tests of the CLI's own steps
# (deploying, the docs' commands, tool installs, wrangler's [build] with the default settings, login) and of the image
# itself ran above.
echo "==> dotnet test (workerd, every Worker started from its start-up image: PMCP_SNAPSHOT=on)"
PMCP_SNAPSHOT=on dotnet test tests/Pmcp.WorkerdTests -c "$configuration" --no-build -nologo \
  --filter "FullyQualifiedName!~StartupImageTests&FullyQualifiedName!~DeployToCloudflareTests&FullyQualifiedName!~DocsCommandsTests&FullyQualifiedName!~ToolInstallTests&FullyQualifiedName!~WranglerBuildSectionTests&FullyQualifiedName!~LoginTests" \
  2>&1 | tee -a "$log"
[[ ${PIPESTATUS[0]} == 0 ]] || status=1
set -e

# dotnet test prints one summary line per test assembly; add them up into the line CI reads.
awk '
  /(Passed|Failed)!  - Failed:/ {
    gsub(",", "");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") failed += $(i + 1);
      if ($i == "Passed:") passed += $(i + 1);
      if ($i == "Skipped:") skipped += $(i + 1);
    }
    assemblies++;
  }
  # node --test (TAP): "# pass N", "# fail N", "# skipped N" once per run
  /^# pass [0-9]+$/ { passed += $3; assemblies++ }
  /^# fail [0-9]+$/ { failed += $3 }
  /^# skipped [0-9]+$/ { skipped += $3 }
  END {
    if (assemblies == 0) { print "error: no test assembly reported results"; exit 1 }
    printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped;
  }' "$log" || status=1

exit "$status"
