// workerd bindings benchmark: the warm CPU of one KV get and one D1 query from a C# Worker (Pmcp.Workers' bindings)
// beside a plain JavaScript Worker doing the same, each bundled by wrangler's dry run and served by workerd through
// miniflare, which simulates KV and D1. Run it through bench/run-workerd-bindings.sh, which installs and builds
// first; see bench/README.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleModules, dryRun } from "./lib/bundle.mjs";
import { BREAKDOWN_ROUTES, ROUTES, bindingsRun } from "./lib/bindings-measure.mjs";
import { render } from "./lib/bindings-report.mjs";
import { loadMiniflare } from "./lib/miniflare.mjs";
import { fail, scratchFolder } from "./lib/script.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const nodeModules = path.join(here, "agents-worker", "node_modules");

const WORKERS = [
  {
    key: "A",
    name: "Pmcp C# Worker",
    project: path.join(here, "BindingsBenchWorker", ".pmcp", "workers"),
    breakdownRoutes: BREAKDOWN_ROUTES,
    notes:
      "bench/workerd/BindingsBenchWorker built by `dotnet pmcp deploy build` (.NET 10 browser-wasm, Mono interpreter): an `IWorker` " +
      "with a `Router`; `/kv` is `route.Env.Kv(\"KV\").GetTextAsync(key)`, `/d1` is `route.Env.D1(\"DB\").Prepare(…).Bind(id)" +
      ".FirstAsync(Item)` answered with `Response.Json`",
  },
  {
    key: "J",
    name: "JavaScript Worker",
    project: path.join(here, "bindings-js-worker"),
    notes:
      "bench/workerd/bindings-js-worker/index.mjs: a plain module Worker; `/kv` is `env.KV.get(key)`, `/d1` is " +
      "`env.DB.prepare(…).bind(id).first()` answered with `Response.json`",
  },
];

const HELP = `usage: bench/run-workerd-bindings.sh [options]      (or: node bench/workerd/bindings.mjs [options] once built)

  --rounds N        rounds; each starts every Worker on a fresh workerd (default 5)
  --ops N           measured requests per route (/noop, /kv, /d1) per round (default 1000)
  --warmup N        warm-up requests per route before measuring (default 300)
  --block N         requests per block; the routes take turns block by block (default 100)
  --keys N          KV keys and D1 rows seeded; requests cycle through them (default 1000)
  --value-bytes N   size of each KV value and of each row's value column (default 100)
  --workers LIST    A (Pmcp C# Worker), J (JavaScript Worker); default A,J
  --breakdown       also measure the C# Worker's breakdown routes (${BREAKDOWN_ROUTES.map((r) => `/${r}`).join(", ")}): the
                    KV binding looked up but not called, and the D1 query through RawAsync
  --results DIR     where the report goes (default bench/results)
  --skip-build      (run-workerd-bindings.sh) reuse the last npm ci and Worker build
  --help            this text`;

const options = parseOptions(process.argv.slice(2));
const workers = options.workers.map((key) => WORKERS.find((w) => w.key === key));
const tools = {
  node: process.execPath,
  wrangler: path.join(nodeModules, "wrangler", "bin", "wrangler.js"),
  miniflare: path.join(nodeModules, "miniflare", "package.json"),
};
for (const [name, file] of Object.entries(tools)) {
  if (!fs.existsSync(file)) fail(`${name} is missing; run bench/run-workerd-bindings.sh, which installs it (npm ci in bench/workerd/agents-worker)`);
}
const miniflare = await loadMiniflare(nodeModules);

const scratch = scratchFolder("pmcp-bench-bindings-");

console.log("Bundling each Worker with `wrangler deploy --dry-run --outdir`...");
for (const worker of workers) {
  if (!fs.existsSync(path.join(worker.project, "wrangler.toml"))) {
    fail(`${worker.name}: no wrangler.toml in ${path.relative(root, worker.project)}; run bench/run-workerd-bindings.sh, which builds it`);
  }
  const outDir = path.join(scratch, worker.key);
  const { toml, gzipKiB } = await dryRun({ node: tools.node, wrangler: tools.wrangler, projectDir: worker.project, outDir });
  worker.bundle = { outDir, toml, modules: await bundleModules({ outDir, toml }) };
  console.log(`  ${worker.key} ${worker.name}: ${worker.bundle.modules.length} modules, ${gzipKiB.toFixed(2)} KiB gzip`);
}

const rounds = [];
const started = new Date();
console.log(
  `\n${options.rounds} rounds, the Workers alternating; per Worker a fresh workerd, ${options.warmup} warm-up and ` +
    `${options.ops} measured requests per route (${ROUTES.map((r) => `/${r}`).join(", ")}` +
    `${options.breakdown ? `, and ${BREAKDOWN_ROUTES.map((r) => `/${r}`).join(", ")} on A` : ""}) in blocks of ${options.block}.`,
);
for (let round = 1; round <= options.rounds; round++) {
  const order = workers.map((_, i) => workers[(i + round - 1) % workers.length]);
  for (const worker of order) {
    const measured = await bindingsRun({
      miniflare,
      bundle: worker.bundle,
      routes: options.breakdown && worker.breakdownRoutes ? [...ROUTES, ...worker.breakdownRoutes] : ROUTES,
      ops: options.ops,
      warmup: options.warmup,
      block: options.block,
      keys: options.keys,
      valueBytes: options.valueBytes,
    });
    const result = { round, worker, ...measured };
    rounds.push(result);
    console.log(progressLine(result));
    for (const failure of result.failures) console.log(`      FAILED: ${failure}`);
  }
}

const environment = describeEnvironment();
const report = render({ options, workers, rounds, environment, when: started });
console.log(`\n${report}`);
fs.mkdirSync(options.results, { recursive: true });
const file = path.join(options.results, `workerd-bindings-${started.toISOString().slice(0, 10)}.md`);
fs.writeFileSync(file, report);
const shown = path.relative(root, file);
console.log(`Report written to ${shown.startsWith("..") ? `${path.basename(file)} in the --results folder` : shown}`);
process.exitCode = rounds.some((r) => r.failures.length > 0) ? 1 : 0;

function progressLine(r) {
  const us = (ms) => (Number.isFinite(ms) ? (ms * 1000).toFixed(0) : "-");
  const route = (name) => r.routes[name] ?? {};
  return (
    `  round ${r.round} ${r.worker.key} ${r.worker.name.padEnd(18)} CPU/request µs: noop ${us(route("noop").cpuMs)}, kv ${us(route("kv").cpuMs)}, ` +
    `d1 ${us(route("d1").cpuMs)}; net kv ${us(route("kv").cpuMs - route("noop").cpuMs)}, d1 ${us(route("d1").cpuMs - route("noop").cpuMs)}; ` +
    `p50 µs ${us(route("noop").p50Ms)}/${us(route("kv").p50Ms)}/${us(route("d1").p50Ms)}` +
    (r.routes["kv-lookup"] ? `; kv-lookup ${us(route("kv-lookup").cpuMs)}, d1-raw ${us(route("d1-raw").cpuMs)}` : "")
  );
}

function describeEnvironment() {
  const version = (name) => JSON.parse(fs.readFileSync(path.join(nodeModules, name, "package.json"), "utf8")).version;
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
  const workerd = path.join(nodeModules, "@cloudflare", "workerd-linux-64", "bin", "workerd");
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim() ?? "unknown CPU",
    os: osName,
    node: process.version,
    workerd: quiet(workerd, ["--version"]).replace(/^workerd\s*/, ""),
    wrangler: version("wrangler"),
    miniflare: miniflare.version,
    dotnet: quiet("dotnet", ["--version"]),
    commit: quiet("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
    dirty: quiet("git", ["-C", root, "status", "--porcelain", "--", "src", "bench/workerd"]) !== "",
  };
}

function parseOptions(args) {
  const parsed = { rounds: 5, ops: 1000, warmup: 300, block: 100, keys: 1000, valueBytes: 100, workers: ["A", "J"], breakdown: false, results: path.join(root, "bench", "results") };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) fail(`${arg} needs a value\n\n${HELP}`);
      return args[++i];
    };
    const number = (min) => {
      const n = Math.round(Number(value()));
      if (!Number.isFinite(n) || n < min) fail(`${arg} needs a number ≥ ${min}`);
      return n;
    };
    switch (arg) {
      case "--help":
      case "-h":
        console.log(HELP);
        process.exit(0);
        break;
      case "--rounds": parsed.rounds = number(1); break;
      case "--ops": parsed.ops = number(1); break;
      case "--warmup": parsed.warmup = number(0); break;
      case "--block": parsed.block = number(1); break;
      case "--keys": parsed.keys = number(1); break;
      case "--value-bytes": parsed.valueBytes = number(1); break;
      case "--breakdown": parsed.breakdown = true; break;
      case "--results": parsed.results = path.resolve(value()); break;
      case "--workers": {
        parsed.workers = value().toUpperCase().split(",").map((k) => k.trim()).filter(Boolean);
        const unknown = parsed.workers.filter((k) => !WORKERS.some((w) => w.key === k));
        if (unknown.length > 0 || parsed.workers.length === 0) fail(`--workers takes a list of A, J (got ${unknown.join(", ") || "nothing"})`);
        break;
      }
      default:
        fail(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  return parsed;
}
