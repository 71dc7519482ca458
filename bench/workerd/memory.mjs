// Isolate memory benchmark: what Pmcp Workers' memory grows to under ordinary load and under attack. Workers gives an
// isolate 128 MB and WebAssembly memory never shrinks, so the figure is the .NET runtime's linear memory (the JS host's
// stats().wasmMemoryBytes, read through the bench's own entry in front of each Worker) beside the workerd process's RSS
// (the outer bound: workerd exposes no JS heap figure). Run it through bench/run-workerd-memory.sh, which installs and
// builds first; see bench/README.md.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { bundleModules, dryRun, withStatsEntry, writeWorkerdConfig } from "./lib/bundle.mjs";
import { McpClient } from "./lib/mcp-client.mjs";
import { loadMiniflare, startWorker } from "./lib/miniflare.mjs";
import { fail, scratchFolder } from "./lib/script.mjs";
import { startUpstream } from "./lib/upstream.mjs";
import { ProcessProbe, Workerd, freePort } from "./lib/workerd.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const peer = path.join(here, "agents-worker");
const nodeModules = path.join(peer, "node_modules");
const MiB = 1024 * 1024;
const BODY_LIMIT = 4 * MiB;

const HELP = `usage: bench/run-workerd-memory.sh [options]      (or: node bench/workerd/memory.mjs [options] once built)

  --requests N      the load test's requests (default 2000)
  --attack N        requests per round of the attack load (default 10000)
  --concurrency N   requests in flight in both (default 32)
  --download MB     size of the streamed download (default 50)
  --results DIR     where the report goes (default bench/results)
  --skip-build      (run-workerd-memory.sh) reuse the last npm ci and builds
  --help            this text`;

const options = parseOptions(process.argv.slice(2));
const tools = {
  node: process.execPath,
  wrangler: path.join(nodeModules, "wrangler", "bin", "wrangler.js"),
  workerd: path.join(nodeModules, "@cloudflare", "workerd-linux-64", "bin", "workerd"),
};
const projects = {
  hello: path.join(root, "samples", "HelloWorld", ".pmcp", "workers"),
  notes: path.join(root, "samples", "Notes", ".pmcp", "workers"),
  fetch: path.join(here, "FetchBenchWorker", ".pmcp", "workers"),
  native: path.join(root, "bench", "PeerServers", "PmcpEcho", "bin", "Release", "net10.0", "PmcpEcho.dll"),
};
for (const [name, file] of Object.entries(tools)) {
  if (!fs.existsSync(file)) fail(`${name} is missing; run bench/run-workerd-memory.sh, which installs it (npm ci in bench/workerd/agents-worker)`);
}
for (const [name, where] of Object.entries(projects)) {
  if (!fs.existsSync(name === "native" ? where : path.join(where, "wrangler.toml"))) fail(`${path.relative(root, where)} is not built; run bench/run-workerd-memory.sh, which builds it`);
}

const scratch = scratchFolder("pmcp-bench-memory-");
const started = new Date();
const loads = [os.loadavg()];
const upstream = await startUpstream();
let unique = 0;
const report = { hello: {}, notes: {}, fetch: {}, attack: { workerd: [], native: [] }, statuses: {}, failures: [] };

try {
  console.log("Bundling HelloWorld, Notes and FetchBenchWorker with `wrangler deploy --dry-run --outdir`...");
  const bundles = {};
  for (const key of ["hello", "notes", "fetch"]) {
    const outDir = path.join(scratch, key);
    const { toml } = await dryRun({ node: tools.node, wrangler: tools.wrangler, projectDir: projects[key], outDir });
    bundles[key] = { outDir, toml };
  }

  console.log("\nHelloWorld (raw workerd): startup, load, a 4 MiB body...");
  await withWorkerd(bundles.hello, async (target) => {
    report.hello.startup = await target.read();
    await load(target, options.requests, options.concurrency, echoCall, "hello load");
    report.hello.load = await target.read();
    await oneLargeEcho(target);
    report.hello.body = await target.read();
  });

  console.log("Notes (miniflare: KV, D1, R2 simulated in the same workerd): startup, load, a 4 MiB body...");
  await withNotes(bundles.notes, async (target) => {
    report.notes.startup = await target.read();
    await load(target, options.requests, options.concurrency, notesCall, "notes load");
    report.notes.load = await target.read();
    await oneLargeAttachment(target);
    report.notes.body = await target.read();
  });

  console.log(`FetchBenchWorker (raw workerd): a ${options.download} MB streamed download...`);
  await withWorkerd(bundles.fetch, async (target) => {
    report.fetch.startup = await target.read();
    report.fetch.during = await download(target);
    report.fetch.after = await target.read();
  });

  console.log(`\nAttack (issue 15), two identical rounds, HelloWorld in workerd and in the native host...`);
  await withWorkerd(bundles.hello, async (target) => {
    report.attack.workerd.push({ when: "startup", ...(await target.read()) });
    for (let round = 1; round <= 2; round++) await attackRound(target, round, report.attack.workerd, "workerd");
  });
  await withNative(async (target) => {
    report.attack.native.push({ when: "startup", ...(await target.read()) });
    for (let round = 1; round <= 2; round++) await attackRound(target, round, report.attack.native, "native");
  });
} finally {
  await upstream.close();
}
loads.push(os.loadavg());

const markdown = render();
console.log(`\n${markdown}`);
fs.mkdirSync(options.results, { recursive: true });
const file = path.join(options.results, `workerd-memory-${started.toISOString().slice(0, 10)}.md`);
fs.writeFileSync(file, markdown);
const shown = path.relative(root, file);
console.log(`Report written to ${shown.startsWith("..") ? `${path.basename(file)} in the --results folder` : shown}`);
process.exitCode = report.failures.length > 0 ? 1 : 0;

// ---- targets -------------------------------------------------------------------------------------------------

/** A Worker in raw workerd, with the stats entry in front and outbound fetch to 127.0.0.1 allowed. */
async function withWorkerd(bundle, run) {
  const config = await writeWorkerdConfig({ ...bundle, statsEntry: true, localFetch: true });
  const workerd = new Workerd({ binary: tools.workerd, config, port: await freePort() });
  try {
    await workerd.waitListening();
    await workerd.waitQuiet();
    await run(target(workerd.port, workerd, true));
  } finally {
    await workerd.stop();
  }
}

/** Notes in miniflare (its tools need KV, D1 and R2), its D1 schema applied from samples/Notes/migrations. */
async function withNotes(bundle, run) {
  const miniflare = await loadMiniflare(nodeModules);
  const modules = await withStatsEntry({ outDir: bundle.outDir, modules: await bundleModules(bundle) });
  const worker = await startWorker({ miniflare, outDir: bundle.outDir, modules, toml: bundle.toml });
  try {
    const db = await worker.d1("DB");
    for (const migration of fs.readdirSync(path.join(root, "samples", "Notes", "migrations")).sort()) {
      const sql = fs.readFileSync(path.join(root, "samples", "Notes", "migrations", migration), "utf8").replace(/^--.*$/gm, "");
      for (const statement of sql.split(";").map((s) => s.trim()).filter(Boolean)) await db.prepare(statement).run();
    }
    await worker.probe.waitQuiet();
    await run(target(Number(new URL(worker.url).port), worker.probe, true));
  } finally {
    await worker.dispose();
  }
}

/** HelloWorld through the native host (bench/PeerServers/PmcpEcho: what `dotnet pmcp dev --native` runs). */
async function withNative(run) {
  const port = await freePort();
  const child = spawn("dotnet", [projects.native, "--port", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, DOTNET_gcServer: "0", DOTNET_gcConcurrent: "0", Logging__LogLevel__Default: "None", ASPNETCORE_ENVIRONMENT: "Production", DOTNET_ENVIRONMENT: "Production" },
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const client = new McpClient({ port, timeoutMs: 5000 });
    for (let i = 0; ; i++) {
      if ((await client.initialize()).ok) break;
      if (i > 600) throw new Error("the native host did not answer within 60 s");
      await sleep(100);
    }
    client.close();
    await run(target(port, new ProcessProbe(child.pid), false));
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

function target(port, probe, workerd) {
  return {
    port,
    probe,
    workerd,
    /** The WebAssembly memory (workerd only) and the process's RSS now and at its peak, in MiB. */
    async read() {
      const memory = probe.memoryMiB();
      const wasm = workerd ? (await stats(port)).wasmMemoryBytes / MiB : NaN;
      return { wasm, rss: memory.rss, peak: memory.peak };
    },
  };
}

function stats(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/__bench/stats", agent: false }, (response) => {
      let body = "";
      response.on("data", (d) => (body += d));
      response.on("end", () => (response.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`stats: ${response.statusCode} ${body}`))));
    }).on("error", reject);
  });
}

// ---- request patterns ----------------------------------------------------------------------------------------

function echoCall(client) {
  const message = `m${++unique}`;
  return client.callTool("echo", { message }, (text) => text === message);
}

function notesCall(client, i) {
  if (i % 4 === 0) {
    const title = `note ${++unique}`;
    return client.callTool("create_note", { title, body: `text of ${title}`, tags: ["bench"] }, (text) => text.includes(title));
  }
  return client.callTool("search_notes", { query: "note", tag: "bench" }, () => true);
}

/** `count` requests, `concurrency` in flight on keep-alive connections; every answer checked. */
async function load(target, count, concurrency, call, label) {
  const client = new McpClient({ port: target.port, connections: concurrency, timeoutMs: 60_000 });
  let next = 0;
  let wrong = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const answer = await call(client, next++);
          if (!answer.ok && wrong++ === 0) report.failures.push(`${label}: ${answer.error}`);
        }
      }),
    );
  } finally {
    client.close();
  }
  return wrong;
}

/** One tools/call echo whose message makes the body just under the 4 MiB limit; the answer is as large. */
async function oneLargeEcho(target) {
  const client = new McpClient({ port: target.port, timeoutMs: 120_000 });
  const message = "a".repeat(BODY_LIMIT - 512);
  const answer = await client.callTool("echo", { message }, (text) => text === message);
  client.close();
  if (!answer.ok) report.failures.push(`4 MiB echo: ${answer.error}`);
}

/** A note, then attach_file with a file whose base64 makes the body just under 4 MiB (stored in R2). */
async function oneLargeAttachment(target) {
  const client = new McpClient({ port: target.port, timeoutMs: 120_000 });
  const created = await client.callTool("create_note", { title: "with a file", body: "see the attachment" }, (text) => /"id"\s*:\s*\d+/.test(text));
  if (!created.ok) report.failures.push(`create_note before attach_file: ${created.error}`);
  const id = Number(/"id"\s*:\s*(\d+)/.exec(created.text ?? "")?.[1] ?? 1);
  const bytes = Buffer.alloc(3 * MiB - 4096, 7);
  const answer = await client.callTool("attach_file", { id, fileName: "big.bin", contentBase64: bytes.toString("base64") }, () => true);
  client.close();
  if (!answer.ok) report.failures.push(`4 MiB attach_file: ${answer.error}`);
}

/** GET /download of the upstream's bytes, read at full speed, with the memory sampled every 50 ms meanwhile. */
async function download(target) {
  const size = options.download * MiB;
  const peak = { wasm: 0, rss: 0, peak: 0 };
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const now = await target.read();
      for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], now[key]);
      await sleep(50);
    }
  })();
  const read = await new Promise((resolve) => {
    const url = `/download?url=${encodeURIComponent(`${upstream.url}/bytes/${size}`)}`;
    http.get({ host: "127.0.0.1", port: target.port, path: url, agent: false }, (response) => {
      let length = 0;
      response.on("data", (d) => (length += d.length));
      response.on("end", () => resolve(response.statusCode === 200 ? length : -response.statusCode));
    }).on("error", () => resolve(-1));
  });
  done = true;
  await sampler;
  if (read !== size) report.failures.push(`download: read ${read} of ${size} bytes`);
  return peak;
}

/**
 * One round of issue 15's attacks: 8 batches of 100 echo calls in 4 MiB bodies (8 at once), then 20 MiB and 60 MiB
 * bodies with a foreign Host (each once with Content-Length and once chunked without it), then `--attack` requests at
 * `--concurrency`; the memory read after each.
 */
async function attackRound(target, round, readings, host) {
  const client = new McpClient({ port: target.port, connections: 8, timeoutMs: 120_000 });
  const message = "b".repeat(40 * 1024);
  const batch = Buffer.from(JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "echo", arguments: { message } } }))));
  // Batches exist only in protocol version 2025-03-26; 8 × 4 MiB is more than the host admits at once (8 MiB), so a 503 is an answer too.
  const batches = await Promise.all(Array.from({ length: 8 }, () => client.raw(batch, { "mcp-protocol-version": "2025-03-26" })));
  client.close();
  count(`${host} 4 MiB batch`, batches.map((b) => b.status));
  readings.push({ when: `round ${round}: after 8 × 4 MiB batches (100 calls each), 8 at once`, ...(await target.read()) });

  const statuses = [];
  for (const megabytes of [20, 60]) {
    for (const chunked of [false, true]) statuses.push(await hugeBody(target.port, megabytes * MiB, chunked));
  }
  count(`${host} 20/60 MiB bodies, foreign Host`, statuses);
  readings.push({ when: `round ${round}: after 20 MiB and 60 MiB bodies with a foreign Host (declared and chunked)`, ...(await target.read()) });

  await load(target, options.attack, options.concurrency, echoCall, `${host} attack load`);
  readings.push({ when: `round ${round}: after ${options.attack} requests at ${options.concurrency} concurrent`, ...(await target.read()) });
}

/** A POST of `bytes` to /mcp with Host: attacker.example; resolves with the status, or the error if the server hung up. */
function hugeBody(port, bytes, chunked) {
  return new Promise((resolve) => {
    const headers = { host: "attacker.example", "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" };
    if (!chunked) headers["content-length"] = bytes;
    const request = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", headers, agent: false });
    let settled = false;
    const settle = (value) => {
      if (settled) return;
      settled = true;
      request.destroy();
      resolve(value);
    };
    request.on("response", (response) => {
      response.resume();
      settle(response.statusCode);
    });
    request.on("error", (e) => settle(e.code ?? "error"));
    const piece = Buffer.alloc(MiB, 0x20);
    let left = bytes;
    const pump = () => {
      while (left > 0 && !settled) {
        left -= piece.length;
        if (!request.write(piece)) return void request.once("drain", pump);
      }
      if (!settled) request.end();
    };
    pump();
    setTimeout(() => settle("timeout"), 60_000).unref();
  });
}

function count(label, statuses) {
  const tally = {};
  for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
  report.statuses[label] = { ...(report.statuses[label] ?? {}), ...Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, (report.statuses[label]?.[k] ?? 0) + v])) };
}

// ---- report --------------------------------------------------------------------------------------------------

function render() {
  const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "–");
  const cell = (r) => (r ? `${f(r.wasm)} | ${f(r.rss)}` : "– | –");
  const env = describeEnvironment();
  const w = report.attack.workerd;
  const n = report.attack.native;
  const growth = (list, key) => (list.length === 7 ? list[6][key] - list[3][key] : NaN);
  const maxWasm = Math.max(
    ...[report.hello, report.notes].flatMap((x) => [x.startup, x.load, x.body].map((r) => r?.wasm ?? NaN)),
    report.fetch.during?.wasm ?? NaN,
    ...w.map((r) => r.wasm),
  );
  return [
    `# Isolate memory, ${started.toISOString().slice(0, 10)}`,
    "",
    "What a Pmcp Worker's memory grows to. Workers gives an isolate 128 MB; the target (issues 12 and 15) is that the isolate stays under 96 MB. **wasm** is the .NET runtime's WebAssembly memory (`WebAssembly.Memory` byte length, the JS host's `stats().wasmMemoryBytes`, read through the bench's own `GET /__bench/stats` entry in front of the Worker): it never shrinks, so it is also the peak. workerd exposes no JS heap figure (no `performance.memory`, `process.memoryUsage` or `node:v8`), so the **RSS** of the whole workerd process (VmRSS: V8's heaps, the compiled wasm code, workerd itself, and under miniflare the simulated KV, D1 and R2) is given as the outer bound. Figures in MiB, one run.",
    "",
    `- Machine: ${env.cores} cores (${env.cpu}), ${env.os}. Load average (1, 5, 15 min) at the start: ${loads[0].map((l) => l.toFixed(1)).join(", ")}; at the end: ${loads.at(-1).map((l) => l.toFixed(1)).join(", ")}.`,
    `- workerd ${env.workerd} (the one wrangler ${env.wrangler} bundles), Node ${env.node}; Pmcp at commit ${env.commit}${env.dirty ? " with uncommitted changes in src/, samples/ or bench/" : ""}, .NET SDK ${env.dotnet}.`,
    "- **HelloWorld**: samples/HelloWorld built by `PMCP_SNAPSHOT=off dotnet pmcp deploy build`, raw workerd. **Notes**: samples/Notes built the same way, in miniflare (KV, D1 and R2 simulated in the same workerd process, so its RSS includes them), D1 schema from samples/Notes/migrations. **FetchBenchWorker**: bench/workerd/FetchBenchWorker, `GET /download` streaming a fetch()ed body through .NET's HttpClient and `Response.Stream` to the client (neither sample downloads anything). **Native**: samples/HelloWorld in the native host (bench/PeerServers/PmcpEcho, the program `dotnet pmcp dev --native` runs): RSS only.",
    "",
    "## Isolate memory (issue 12)",
    "",
    "| When | HelloWorld wasm | HelloWorld RSS | Notes wasm | Notes RSS |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| after startup (quiet, before any request) | ${cell(report.hello.startup)} | ${cell(report.notes.startup)} |`,
    `| after ${options.requests} requests at ${options.concurrency} concurrent (HelloWorld: \`echo\`; Notes: 1 in 4 \`create_note\`, the rest \`search_notes\`) | ${cell(report.hello.load)} | ${cell(report.notes.load)} |`,
    `| after a 4 MiB MCP body (HelloWorld: \`echo\` of a 4 MiB message, answered as large; Notes: \`attach_file\` of 3 MiB, base64) | ${cell(report.hello.body)} | ${cell(report.notes.body)} |`,
    "",
    `| ${options.download} MB streamed download (FetchBenchWorker) | wasm | RSS |`,
    "| --- | ---: | ---: |",
    `| after startup | ${cell(report.fetch.startup)} |`,
    `| during the download (highest of samples every 50 ms) | ${cell(report.fetch.during)} |`,
    `| after it | ${cell(report.fetch.after)} |`,
    "",
    "## Memory under attack (issue 15)",
    "",
    `Each round: 8 POSTs of a batch of 100 \`echo\` calls with 40 KiB messages (4 MiB, the body limit; 100 is the batch limit), 8 at once; then a 20 MiB and a 60 MiB body with \`Host: attacker.example\`, each once with its Content-Length and once chunked without one; then ${options.attack} \`echo\` calls at ${options.concurrency} concurrent. The same round twice on the same process.`,
    "",
    "| When | workerd wasm | workerd RSS | native RSS |",
    "| --- | ---: | ---: | ---: |",
    ...w.map((r, i) => `| ${r.when} | ${f(r.wasm)} | ${f(r.rss)} | ${f(n[i]?.rss)} |`),
    `| **growth in round 2** (end of round 2 − end of round 1) | ${f(growth(w, "wasm"))} | ${f(growth(w, "rss"))} | ${f(growth(n, "rss"))} |`,
    `| peak RSS (VmHWM) | – | ${f(w.at(-1)?.peak)} | ${f(n.at(-1)?.peak)} |`,
    "",
    "Answers: " + Object.entries(report.statuses).map(([label, tally]) => `${label}: ${Object.entries(tally).map(([s, c]) => `${c} × ${s}`).join(", ")}`).join("; ") + ".",
    "",
    `Target: the isolate under 96 MB: highest WebAssembly memory seen **${f(maxWasm)} MiB**, ${maxWasm < 96 ? "met" : "NOT met"}; a second round grows nothing: workerd wasm grew **${f(growth(w, "wasm"))} MiB** in round 2.`,
    "",
    report.failures.length ? `Failures: ${report.failures.join("; ")}` : "Every answer was checked (status, and the echoed text or the tool's result); none was wrong.",
    "",
  ].join("\n");
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
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim() ?? "unknown CPU",
    os: osName,
    node: process.version,
    workerd: quiet(tools.workerd, ["--version"]).replace(/^workerd\s*/, ""),
    wrangler: version("wrangler"),
    dotnet: quiet("dotnet", ["--version"]),
    commit: quiet("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
    dirty: quiet("git", ["-C", root, "status", "--porcelain", "--", "src", "samples", "bench"]) !== "",
  };
}

function parseOptions(args) {
  const parsed = { requests: 2000, attack: 10000, concurrency: 32, download: 50, results: path.join(root, "bench", "results") };
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
      case "--requests": parsed.requests = number(1); break;
      case "--attack": parsed.attack = number(1); break;
      case "--concurrency": parsed.concurrency = number(1); break;
      case "--download": parsed.download = number(1); break;
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
