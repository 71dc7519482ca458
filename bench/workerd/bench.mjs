// workerd benchmark: Pmcp's HelloWorld Worker against Cloudflare's MCP Worker (npm agents), all serving `echo`, each
// bundled by wrangler's dry run and served by raw workerd. Run it through bench/run-workerd.sh, which installs and
// builds first; see bench/README.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileWorkerd, dryRun, writeWorkerdConfig } from "./lib/bundle.mjs";
import { coldRun, measuredRun } from "./lib/measure.mjs";
import { render } from "./lib/report.mjs";
import { fail, scratchFolder } from "./lib/script.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const peer = path.join(here, "agents-worker");

const WORKERS = [
  {
    key: "A",
    name: "Pmcp HelloWorld",
    short: "ours",
    project: process.env.PMCP_BENCH_BOOT ?? path.join(root, "samples", "HelloWorld", ".pmcp", "workers"),
    notes: "samples/HelloWorld built by `dotnet pmcp deploy build`: .NET 10 browser-wasm, Mono interpreter, booted in global scope with a warm-up; the server is built once per isolate; answers application/json",
  },
  {
    key: "L",
    name: "Pmcp HelloWorld, request log on",
    short: "ours, logging",
    project: process.env.PMCP_BENCH_BOOT ?? path.join(root, "samples", "HelloWorld", ".pmcp", "workers"),
    vars: { PMCP_REQUEST_LOG: "all" },
    notes: "A's bundle with the var PMCP_REQUEST_LOG=all (docs/observability.md): one structured JSON line per MCP message, written with console.log; A has no such var, so its request log is off. L against A is the CPU cost of logging",
  },
  {
    key: "S",
    name: "Pmcp HelloWorld, start-up image",
    short: "ours, image",
    // run-workerd.sh builds samples/HelloWorld with PMCP_SNAPSHOT=on and keeps that bundle here; PMCP_BENCH_IMAGE overrides.
    project: process.env.PMCP_BENCH_IMAGE ?? path.join(here, ".image", "HelloWorld", "workers"),
    notes: "samples/HelloWorld built by `PMCP_SNAPSHOT=on dotnet pmcp deploy build`: the same bundle plus its start-up image (docs/workers-snapshot.md); the runtime's memory is restored instead of booted, then the same warm-up runs",
  },
  {
    key: "P",
    name: "a fresh `dotnet pmcp new` project",
    short: "new project",
    // run-workerd.sh makes it with `dotnet pmcp new bench-fresh` and builds it with the defaults; PMCP_BENCH_FRESH overrides.
    project: process.env.PMCP_BENCH_FRESH ?? path.join(here, ".fresh", "bench-fresh", "src", "BenchFresh", ".pmcp", "workers"),
    notes: "`dotnet pmcp new bench-fresh` built by `dotnet pmcp deploy build` with nothing set: what a new user deploys (the start-up image is on by default whenever the bundle fits)",
  },
  {
    key: "N",
    name: "Pmcp Notes",
    short: "notes",
    startupOnly: true,
    project: process.env.PMCP_BENCH_NOTES ?? path.join(root, "samples", "Notes", ".pmcp", "workers"),
    notes: "samples/Notes (six tools over KV, D1 and R2) built by `PMCP_SNAPSHOT=off dotnet pmcp deploy build`, booted like A; startup and the first `initialize` only: its tools need the bindings, which raw workerd does not simulate",
  },
  {
    key: "M",
    name: "Pmcp Notes, start-up image",
    short: "notes, image",
    startupOnly: true,
    // run-workerd.sh builds samples/Notes with PMCP_SNAPSHOT=on and keeps that bundle here; PMCP_BENCH_NOTES_IMAGE overrides.
    project: process.env.PMCP_BENCH_NOTES_IMAGE ?? path.join(here, ".image", "Notes", "workers"),
    notes: "samples/Notes built by `PMCP_SNAPSHOT=on dotnet pmcp deploy build`: N's bundle plus its start-up image; startup and the first `initialize` only",
  },
  {
    key: "C",
    name: "Pmcp HelloWorld, server per request",
    short: "ours, per request",
    project: path.join(here, "PerRequestWorker", ".pmcp", "workers"),
    notes: "bench/workerd/PerRequestWorker: the same server and runtime, but an IWorker that builds HelloWorldServer.CreateServer() and its McpEndpoint for every request",
  },
  {
    key: "E",
    name: "the runtime and bridge floor",
    short: "floor",
    project: path.join(here, "FloorWorker", ".pmcp", "workers"),
    notes: "bench/workerd/FloorWorker: a .NET entry that answers the echo without the MCP engine: the runtime and bridge floor. The same runtime and bridge as A, but an IWorker that reads the body with one Utf8JsonReader pass (id, method, params.arguments.message) and writes a constant-shaped answer around the raw tokens (the same bytes as A's answer for `echo`, a constant InitializeResult for `initialize`); no McpServer, no JSON DOM, no validation",
  },
  {
    key: "B",
    name: "agents + MCP SDK v1",
    short: "agents v1",
    project: path.join(peer, "sdk-v1"),
    notes: "bench/workerd/agents-worker/src/sdk-v1.ts: `createMcpHandler` from `agents/mcp` given an `McpServer` of @modelcontextprotocol/sdk, built per request (deprecated overload in agents 0.32.0, served by createLegacyMcpHandler); answers text/event-stream",
  },
  {
    key: "D",
    name: "agents + MCP SDK v2",
    short: "agents v2",
    project: path.join(peer, "sdk-v2"),
    notes: "bench/workerd/agents-worker/src/sdk-v2.ts: `createMcpHandler` from `agents/mcp/server` given a factory of @modelcontextprotocol/server `McpServer`s, as agents 0.32.0 documents it; answers text/event-stream",
  },
];

const HELP = `usage: bench/run-workerd.sh [options]      (or: node bench/workerd/bench.mjs [options] once built)

  --rounds N        rounds; each starts every worker twice on a fresh workerd (default 5)
  --calls N         sequential warm tools/call per round (default 1000)
  --concurrency N   requests in flight under load (default 32)
  --warmup S        seconds of load before the measured load (default 2)
  --duration S      seconds of measured load (default 10)
  --workers LIST    which workers, from A (Pmcp HelloWorld), L (A with its request log on:
                    PMCP_REQUEST_LOG=all), S (A with its start-up image),
                    P (a fresh dotnet pmcp new project, default settings),
                    N (Pmcp Notes), M (Notes with its start-up image), C (per request),
                    E (a .NET entry that answers the echo without the MCP engine: the runtime
                    and bridge floor), B (agents + SDK v1), D (agents + SDK v2);
                    default A,L,S,P,N,M,C,E,B,D
  --var NAME=VALUE  a text var every worker is given (as wrangler.toml's [vars]); repeatable,
                    e.g. --var PMCP_REQUEST_LOG=errors
  --results DIR     where the report goes (default bench/results)
  --skip-build      (run-workerd.sh) reuse the last npm ci and Worker builds
  --help            this text`;

const options = parseOptions(process.argv.slice(2));
const workers = options.workers.map((key) => WORKERS.find((w) => w.key === key));
const tools = {
  node: process.execPath,
  wrangler: path.join(peer, "node_modules", "wrangler", "bin", "wrangler.js"),
  workerd: path.join(peer, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd"),
};
for (const [name, file] of Object.entries(tools)) {
  if (!fs.existsSync(file)) fail(`${name} is missing; run bench/run-workerd.sh, which installs it (npm ci in bench/workerd/agents-worker)`);
}

const scratch = scratchFolder("pmcp-bench-workerd-");

console.log("Bundling each worker with `wrangler deploy --dry-run --outdir`...");
for (const worker of workers) {
  if (!fs.existsSync(path.join(worker.project, "wrangler.toml"))) {
    fail(`${worker.name}: no wrangler.toml in ${path.relative(root, worker.project)}; run bench/run-workerd.sh, which builds it`);
  }
  const outDir = path.join(scratch, worker.key);
  worker.bundle = await dryRun({ node: tools.node, wrangler: tools.wrangler, projectDir: worker.project, outDir });
  worker.config = await writeWorkerdConfig({ outDir, toml: worker.bundle.toml, vars: { ...worker.vars, ...options.vars } });
  worker.compiled = await compileWorkerd({ workerd: tools.workerd, config: worker.config });
  console.log(`  ${worker.key} ${worker.name}: ${worker.bundle.gzipKiB.toFixed(2)} KiB gzip (${worker.bundle.rawKiB.toFixed(2)} KiB raw)`);
}

const rounds = [];
const started = new Date();
console.log(
  `\n${options.rounds} rounds, order rotating each round; per worker: a cold run, then a measured run ` +
    `(${options.calls} sequential calls, ${options.warmup} s + ${options.duration} s at ${options.concurrency} concurrent).`,
);
for (let round = 1; round <= options.rounds; round++) {
  const order = workers.map((_, i) => workers[(i + round - 1) % workers.length]);
  for (const worker of order) {
    const label = `${worker.key}${round}`;
    const cold = await coldRun({ binary: tools.workerd, config: worker.config, label, toolCall: !worker.startupOnly });
    const measured = await measuredRun({
      binary: tools.workerd,
      config: worker.config,
      label,
      startupOnly: worker.startupOnly === true,
      calls: options.calls,
      concurrency: options.concurrency,
      warmupSeconds: options.warmup,
      durationSeconds: options.duration,
    });
    // The same cold start from a compiled config (lib/bundle.mjs compileWorkerd says why).
    const compiled = await coldRun({ binary: worker.compiled, config: null, label: `${label}c`, toolCall: !worker.startupOnly });
    const result = { round, worker, ...measured, listenMs: cold.listenMs, coldMs: cold.coldMs, coldCpuMs: cold.coldCpuMs };
    result.measuredListenMs = measured.listenMs;
    result.compiledListenMs = compiled.listenMs;
    result.compiledColdMs = compiled.coldMs;
    result.failures = [...cold.failures, ...compiled.failures, ...measured.failures];
    rounds.push(result);
    console.log(progressLine(result));
    for (const failure of result.failures) console.log(`      FAILED: ${failure}`);
  }
}

const environment = describeEnvironment();
const report = render({ options, workers, rounds, environment, when: started });
console.log(`\n${report}`);
fs.mkdirSync(options.results, { recursive: true });
const file = path.join(options.results, `workerd-${started.toISOString().slice(0, 10)}.md`);
fs.writeFileSync(file, report);
const shown = path.relative(root, file);
console.log(`Report written to ${shown.startsWith("..") ? `${path.basename(file)} in the --results folder` : shown}`);
process.exitCode = rounds.some((r) => r.failures.length > 0) ? 1 : 0;

function progressLine(r) {
  const f = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : "-");
  return (
    `  round ${r.round} ${r.worker.key} ${r.worker.name.padEnd(36)} listen ${f(r.listenMs)} ms, cold ${f(r.coldMs)} ms (compiled config ${f(r.compiledColdMs)} ms), ` +
    `startup CPU ${f(r.startupCpuMs)} ms, 1st init ${f(r.firstInitMs, 1)} ms/${f(r.firstInitSchedMs, 1)} ms CPU, ` +
    `1st call ${f(r.firstCallMs, 1)} ms, warm ${f(r.warmCpuPerCallMs, 2)} ms CPU/call p50 ${f(r.warmP50Ms, 2)} p99 ${f(r.warmP99Ms, 2)}, ` +
    `${f(r.rps)} req/s, RSS ${f(r.rssMiB, 1)} MiB`
  );
}

function describeEnvironment() {
  const version = (file) => JSON.parse(fs.readFileSync(path.join(peer, "node_modules", file, "package.json"), "utf8")).version;
  const quiet = (command, args) => {
    try {
      return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "unknown";
    }
  };
  let osName = `${os.type()} ${os.release()}`;
  try {
    osName = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync("/etc/os-release", "utf8"))?.[1] ?? osName;
  } catch {
    // keep the kernel's name
  }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim() ?? "unknown CPU",
    os: osName,
    node: process.version,
    workerd: quiet(tools.workerd, ["--version"]).replace(/^workerd\s*/, ""),
    wrangler: version("wrangler"),
    agents: version("agents"),
    sdkV1: version("@modelcontextprotocol/sdk"),
    sdkV2: version("@modelcontextprotocol/server"),
    dotnet: quiet("dotnet", ["--version"]),
    commit: quiet("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
    dirty: quiet("git", ["-C", root, "status", "--porcelain", "--", "src", "samples"]) !== "",
  };
}

function parseOptions(args) {
  const parsed = { vars: {}, rounds: 5, calls: 1000, concurrency: 32, warmup: 2, duration: 10, workers: ["A", "L", "S", "P", "N", "M", "C", "E", "B", "D"], results: path.join(root, "bench", "results") };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) fail(`${arg} needs a value\n\n${HELP}`);
      return args[++i];
    };
    const number = (min) => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < min) fail(`${arg} needs a number ≥ ${min}`);
      return n;
    };
    switch (arg) {
      case "--help":
      case "-h":
        console.log(HELP);
        process.exit(0);
        break;
      case "--rounds": parsed.rounds = Math.round(number(1)); break;
      case "--calls": parsed.calls = Math.round(number(1)); break;
      case "--concurrency": parsed.concurrency = Math.round(number(1)); break;
      case "--warmup": parsed.warmup = number(0); break;
      case "--duration": parsed.duration = number(1); break;
      case "--results": parsed.results = path.resolve(value()); break;
      case "--var": {
        const pair = value();
        const equals = pair.indexOf("=");
        if (equals < 1) fail(`--var takes NAME=VALUE, e.g. --var PMCP_REQUEST_LOG=all (got ${pair})`);
        parsed.vars[pair.slice(0, equals)] = pair.slice(equals + 1);
        break;
      }
      case "--workers": {
        parsed.workers = value().toUpperCase().split(",").map((k) => k.trim()).filter(Boolean);
        const unknown = parsed.workers.filter((k) => !WORKERS.some((w) => w.key === k));
        if (unknown.length > 0 || parsed.workers.length === 0) fail(`--workers takes a list of ${WORKERS.map((w) => w.key).join(", ")} (got ${unknown.join(", ") || "nothing"})`);
        break;
      }
      default:
        fail(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  return parsed;
}
