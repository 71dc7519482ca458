// workerd fetch benchmark: the CPU of one tools/call whose tool makes one fetch, a C# Worker (Pmcp, HttpClient) beside
// the agents + MCP SDK v2 Worker doing the same (fetch()), both bundled by wrangler's dry run and served by raw workerd,
// fetching from a local upstream server. Run it through bench/run-workerd-fetch.sh, which installs and builds first;
// see bench/README.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dryRun, writeWorkerdConfig } from "./lib/bundle.mjs";
import { McpClient } from "./lib/mcp-client.mjs";
import { fail, scratchFolder } from "./lib/script.mjs";
import { median, percentile } from "./lib/stats.mjs";
import { startUpstream } from "./lib/upstream.mjs";
import { Workerd, freePort } from "./lib/workerd.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const peer = path.join(here, "agents-worker");

const WORKERS = [
  {
    key: "A",
    name: "Pmcp C# Worker",
    project: path.join(here, "FetchBenchWorker", ".pmcp", "workers"),
    notes:
      "bench/workerd/FetchBenchWorker built by `dotnet pmcp deploy build` (.NET 10 browser-wasm, Mono interpreter): `fetch` is " +
      "`Http.GetStringAsync(url)` on one `new HttpClient()` per isolate (the host runs it over workerd's fetch()); `fetch_handler` the same on one " +
      "`new HttpClient(new WorkersHttpHandler())`; `echo` returns its message; answers application/json",
    tools: ["fetch", "fetch_handler", "echo"],
  },
  {
    key: "J",
    name: "agents + MCP SDK v2",
    project: path.join(peer, "sdk-v2-fetch"),
    notes:
      "bench/workerd/agents-worker/src/sdk-v2-fetch.ts: `createMcpHandler` from `agents/mcp/server` with a factory of " +
      "@modelcontextprotocol/server servers (as sdk-v2.ts); `fetch` is `await (await fetch(url)).text()`; `echo` the same; answers text/event-stream",
    tools: ["fetch", "echo"],
  },
];

const HELP = `usage: bench/run-workerd-fetch.sh [options]      (or: node bench/workerd/fetch.mjs [options] once built)

  --rounds N        rounds; each starts every Worker on a fresh workerd (default 5)
  --calls N         measured calls per tool (fetch, echo) per round (default 1000)
  --warmup N        warm-up calls per tool before measuring (default 300)
  --block N         calls per block; the tools take turns block by block (default 100)
  --bytes N         size of the upstream's answer to each fetch (default 1024)
  --results DIR     where the report goes (default bench/results)
  --skip-build      (run-workerd-fetch.sh) reuse the last npm ci and Worker build
  --help            this text`;

const options = parseOptions(process.argv.slice(2));
const tools = {
  node: process.execPath,
  wrangler: path.join(peer, "node_modules", "wrangler", "bin", "wrangler.js"),
  workerd: path.join(peer, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd"),
};
for (const [name, file] of Object.entries(tools)) {
  if (!fs.existsSync(file)) fail(`${name} is missing; run bench/run-workerd-fetch.sh, which installs it (npm ci in bench/workerd/agents-worker)`);
}

const scratch = scratchFolder("pmcp-bench-fetch-");
console.log("Bundling each Worker with `wrangler deploy --dry-run --outdir`...");
for (const worker of WORKERS) {
  if (!fs.existsSync(path.join(worker.project, "wrangler.toml"))) {
    fail(`${worker.name}: no wrangler.toml in ${path.relative(root, worker.project)}; run bench/run-workerd-fetch.sh, which builds it`);
  }
  const outDir = path.join(scratch, worker.key);
  worker.bundle = await dryRun({ node: tools.node, wrangler: tools.wrangler, projectDir: worker.project, outDir });
  worker.config = await writeWorkerdConfig({ outDir, toml: worker.bundle.toml, localFetch: true });
  console.log(`  ${worker.key} ${worker.name}: ${worker.bundle.gzipKiB.toFixed(2)} KiB gzip`);
}

const upstream = await startUpstream();
const started = new Date();
const load = os.loadavg();
const rounds = [];
console.log(`\n${options.rounds} rounds, Workers alternating; per Worker: ${options.warmup} warm-up then ${options.calls} measured calls per tool, in blocks of ${options.block}.`);
try {
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? WORKERS : [...WORKERS].reverse();
    for (const worker of order) {
      const result = await measure(worker, round);
      rounds.push(result);
      const f = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : "-");
      console.log(
        `  round ${round} ${worker.key} ${worker.name.padEnd(22)} CPU/call (sched): fetch ${f(result.fetch.schedMs)} ms, echo ${f(result.echo.schedMs)} ms, ` +
          `net fetch ${f(result.fetch.schedMs - result.echo.schedMs)} ms; utime+stime fetch ${f(result.fetch.cpuMs, 2)} echo ${f(result.echo.cpuMs, 2)}; ` +
          `p50 fetch ${f(result.fetch.p50, 2)} ms${result.failures.length ? `; FAILED: ${result.failures[0]}` : ""}`,
      );
    }
  }
} finally {
  await upstream.close();
}

const report = render();
console.log(`\n${report}`);
fs.mkdirSync(options.results, { recursive: true });
const file = path.join(options.results, `workerd-fetch-${started.toISOString().slice(0, 10)}.md`);
fs.writeFileSync(file, report);
const shown = path.relative(root, file);
console.log(`Report written to ${shown.startsWith("..") ? `${path.basename(file)} in the --results folder` : shown}`);
process.exitCode = rounds.some((r) => r.failures.length > 0) ? 1 : 0;

/** One fresh workerd: quiet startup, initialize, warm-up, then the tools in alternating blocks with CPU read around each. */
async function measure(worker, round) {
  const workerd = new Workerd({ binary: tools.workerd, config: worker.config, port: await freePort() });
  const client = new McpClient({ port: workerd.port, timeoutMs: 60_000 });
  const result = { round, worker, failures: [] };
  const url = `${upstream.url}/text/${options.bytes}`;
  let unique = 0;
  const TOOLS = worker.tools;
  const call = (tool) =>
    tool !== "echo"
      ? client.callTool(tool, { url }, (text) => text.length === options.bytes)
      : (() => {
          const message = `${worker.key}${round}-${++unique}`;
          return client.callTool("echo", { message }, (text) => text === message);
        })();
  try {
    await workerd.waitListening();
    await workerd.waitQuiet();
    const init = await client.initialize();
    if (!init.ok) throw new Error(`initialize: ${init.error}`);
    for (let i = 0; i < options.warmup; i++) {
      for (const tool of TOOLS) {
        const answer = await call(tool);
        if (!answer.ok) throw new Error(`warm-up ${tool}: ${answer.error}`);
      }
    }
    const totals = Object.fromEntries(TOOLS.map((t) => [t, { calls: 0, cpuMs: 0, schedMs: 0, latencies: [] }]));
    for (let block = 0; block * options.block < options.calls; block++) {
      const tools = block % 2 === 0 ? TOOLS : [...TOOLS].reverse();
      for (const tool of tools) {
        const n = Math.min(options.block, options.calls - block * options.block);
        const cpu0 = workerd.cpuMs();
        const sched0 = workerd.schedCpuMs().all;
        for (let i = 0; i < n; i++) {
          const answer = await call(tool);
          totals[tool].latencies.push(answer.ms);
          if (!answer.ok && result.failures.length < 3) result.failures.push(`${tool}: ${answer.error}`);
        }
        totals[tool].cpuMs += workerd.cpuMs() - cpu0;
        totals[tool].schedMs += workerd.schedCpuMs().all - sched0;
        totals[tool].calls += n;
      }
    }
    for (const tool of TOOLS) {
      const t = totals[tool];
      result[tool] = { cpuMs: t.cpuMs / t.calls, schedMs: t.schedMs / t.calls, p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99) };
    }
    result.rssMiB = workerd.memoryMiB().rss;
  } catch (e) {
    result.failures.push(String(e.message ?? e));
    for (const tool of ["fetch", "fetch_handler", "echo"]) result[tool] ??= { cpuMs: NaN, schedMs: NaN, p50: NaN, p99: NaN };
  } finally {
    client.close();
    await workerd.stop();
    result.output = workerd.output;
  }
  return result;
}

function render() {
  const [a, j] = WORKERS;
  const of = (worker, pick) => median(rounds.filter((r) => r.worker === worker).map(pick));
  const f = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : "–");
  const ratio = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? `${(x / y).toFixed(2)}×` : "–");
  const rows = [
    ["**CPU per `tools/call` of `fetch`**, ms (scheduler, all threads)", (r) => r.fetch.schedMs, 3],
    ["CPU per `tools/call` of `fetch`, ms (utime+stime)", (r) => r.fetch.cpuMs, 2],
    ["CPU per `tools/call` of `echo`, ms (scheduler)", (r) => r.echo.schedMs, 3],
    ["CPU per `tools/call` of `echo`, ms (utime+stime)", (r) => r.echo.cpuMs, 2],
    ["net CPU of the fetch (`fetch` − `echo`), ms (scheduler)", (r) => r.fetch.schedMs - r.echo.schedMs, 3],
    ["CPU per `tools/call` of `fetch_handler` (C#: `WorkersHttpHandler`), ms (scheduler)", (r) => r.fetch_handler?.schedMs ?? NaN, 3],
    ["net CPU of the fetch through `WorkersHttpHandler`, ms (scheduler)", (r) => (r.fetch_handler?.schedMs ?? NaN) - r.echo.schedMs, 3],
    ["latency p50 of `fetch`, ms", (r) => r.fetch.p50, 2],
    ["latency p99 of `fetch`, ms", (r) => r.fetch.p99, 2],
    ["latency p50 of `echo`, ms", (r) => r.echo.p50, 2],
    ["RSS after the run, MiB", (r) => r.rssMiB, 1],
  ];
  const perRound = [];
  for (let round = 1; round <= options.rounds; round++) {
    const ra = rounds.find((r) => r.round === round && r.worker === a);
    const rj = rounds.find((r) => r.round === round && r.worker === j);
    perRound.push({ round, fetch: ra.fetch.schedMs / rj.fetch.schedMs, net: (ra.fetch.schedMs - ra.echo.schedMs) / (rj.fetch.schedMs - rj.echo.schedMs) });
  }
  const fetchRatio = of(a, (r) => r.fetch.schedMs) / of(j, (r) => r.fetch.schedMs);
  const env = describeEnvironment();
  const lines = [
    `# workerd fetch benchmark, ${started.toISOString().slice(0, 10)}`,
    "",
    `One \`tools/call\` whose tool makes one fetch (GET of ${options.bytes} bytes of text from a local upstream server, answered as the tool's text), over MCP Streamable HTTP (\`POST /mcp\`), each Worker bundled by \`wrangler deploy --dry-run --outdir\` and served by raw \`workerd serve\` (outbound to 127.0.0.1 allowed in the config). ${options.rounds} rounds, the Workers alternating; per round and Worker a fresh workerd, left to finish starting, then \`initialize\`, ${options.warmup} warm-up calls of each tool, and ${options.calls} measured calls of each in blocks of ${options.block}, the tools taking turns block by block, the workerd process's CPU read before and after every block. Sequential calls on one keep-alive connection. Figures are medians across rounds.`,
    "",
    `- Machine: ${env.cores} cores (${env.cpu}), ${env.os}; the client, the upstream server (Node, in the client's process) and workerd share it. Load average at the start: ${load.map((l) => l.toFixed(1)).join(", ")}.`,
    `- workerd ${env.workerd} (the one wrangler ${env.wrangler} bundles); Node ${env.node}; Pmcp at commit ${env.commit}${env.dirty ? " with uncommitted changes in src/ or bench/" : ""}, .NET SDK ${env.dotnet}; agents ${env.agents}, @modelcontextprotocol/server ${env.sdkV2}.`,
    ...WORKERS.map((w) => `- **${w.key}. ${w.name}**: ${w.notes}.`),
    "",
    "## Figures",
    "",
    `| Figure | ${a.key}. ${a.name} | ${j.key}. ${j.name} | ${a.key}/${j.key} |`,
    "| --- | ---: | ---: | ---: |",
    ...rows.map(([label, pick, d]) => `| ${label} | ${f(of(a, pick), d)} | ${f(of(j, pick), d)} | ${ratio(of(a, pick), of(j, pick))} |`),
    `| wrong or failed answers (all rounds) | ${rounds.filter((r) => r.worker === a).reduce((n, r) => n + r.failures.length, 0)} | ${rounds.filter((r) => r.worker === j).reduce((n, r) => n + r.failures.length, 0)} | – |`,
    "",
    `Target (issue 12): CPU per \`tools/call\` of \`fetch\` at most 1.2× the JS Worker's: **${ratio(of(a, (r) => r.fetch.schedMs), of(j, (r) => r.fetch.schedMs))}**, ${fetchRatio <= 1.2 ? "met" : "not met"}. Per round (each pair measured back to back), A/J of the \`fetch\` call: ${perRound.map((p) => `${p.fetch.toFixed(2)}×`).join(", ")}; of the net fetch: ${perRound.map((p) => `${p.net.toFixed(2)}×`).join(", ")}.`,
    "",
    "Reading it: CPU is the workerd process's, all threads (V8's background compilers and GC included), from the scheduler's clock (`/proc/<pid>/task/*/schedstat`, nanoseconds) with utime+stime (10 ms ticks) beside it. The upstream server's CPU is not in it. `echo` is the same MCP path without the fetch, so `fetch` − `echo` is what the fetch itself costs in each Worker: the request built and sent, the answer's body read and handed back (for C#: marshalled between workerd's fetch() and .NET's HttpClient).",
    "",
    "## Every round",
    "",
    "| Round | Worker | fetch ms (sched) | fetch_handler ms (sched) | echo ms (sched) | fetch ms (ticks) | echo ms (ticks) | fetch p50 ms | RSS MiB | failures |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rounds.map((r) => `| ${r.round} | ${r.worker.key} | ${f(r.fetch.schedMs)} | ${f(r.fetch_handler?.schedMs)} | ${f(r.echo.schedMs)} | ${f(r.fetch.cpuMs, 2)} | ${f(r.echo.cpuMs, 2)} | ${f(r.fetch.p50, 2)} | ${f(r.rssMiB, 1)} | ${r.failures.join("; ") || "none"} |`),
    "",
  ];
  return lines.join("\n");
}

function describeEnvironment() {
  const version = (name) => JSON.parse(fs.readFileSync(path.join(peer, "node_modules", name, "package.json"), "utf8")).version;
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
    sdkV2: version("@modelcontextprotocol/server"),
    dotnet: quiet("dotnet", ["--version"]),
    commit: quiet("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
    dirty: quiet("git", ["-C", root, "status", "--porcelain", "--", "src", "bench"]) !== "",
  };
}

function parseOptions(args) {
  const parsed = { rounds: 5, calls: 1000, warmup: 300, block: 100, bytes: 1024, results: path.join(root, "bench", "results") };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const number = (min) => {
      const n = Number(args[++i]);
      if (!Number.isFinite(n) || n < min) fail(`${arg} needs a number ≥ ${min}`);
      return Math.round(n);
    };
    switch (arg) {
      case "--help":
      case "-h":
        console.log(HELP);
        process.exit(0);
        break;
      case "--rounds": parsed.rounds = number(1); break;
      case "--calls": parsed.calls = number(1); break;
      case "--warmup": parsed.warmup = number(0); break;
      case "--block": parsed.block = number(1); break;
      case "--bytes": parsed.bytes = number(1); break;
      case "--results":
        if (i + 1 >= args.length) fail("--results needs a folder");
        parsed.results = path.resolve(args[++i]);
        break;
      default:
        fail(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  return parsed;
}
