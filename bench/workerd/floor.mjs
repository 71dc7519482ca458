// The cold-start floor of a .NET Worker in workerd: how soon could any Worker built on .NET's browser-wasm runtime
// answer, against Cloudflare's MCP Worker (npm agents) in the same run?
//
//   S. Pmcp HelloWorld with its start-up image, as bench.mjs measures it (spawn → first `initialize` answered).
//   F. The floor of S: S's own modules (dotnet.native.wasm, the assemblies, the image) behind an entry that only
//      instantiates dotnet.native.wasm with stub imports and answers 200. No .NET code runs, no JS of the runtime's
//      loader is even parsed: nothing any design on this runtime could leave out.
//   R. The same floor without the image: what the runtime's modules alone cost.
//   D. agents + MCP SDK v2, as bench.mjs measures it.
//
// Every worker runs from a `workerd compile` binary (as bench.mjs's compiled-config column; lib/bundle.mjs says why).
// Run bench/run-workerd.sh first (it installs the peer and builds S), then:
//   node bench/workerd/floor.mjs [--rounds N] [--results DIR]   (with the peer's Node: bench/run-workerd.sh says which)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { bundleModules, compileWorkerd, dryRun, writeWorkerdConfig } from "./lib/bundle.mjs";
import { McpClient } from "./lib/mcp-client.mjs";
import { median } from "./lib/stats.mjs";
import { Workerd, freePort } from "./lib/workerd.mjs";
import { fail, scratchFolder } from "./lib/script.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const peer = path.join(here, "agents-worker");
const tools = {
  node: process.execPath,
  wrangler: path.join(peer, "node_modules", "wrangler", "bin", "wrangler.js"),
  workerd: path.join(peer, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd"),
};
const options = { rounds: 15, results: path.join(root, "bench", "results") };
for (let i = 2; i < process.argv.length; i++) {
  const [name, value] = [process.argv[i], process.argv[i + 1]];
  if (name === "--rounds" && Number(value) > 0) options.rounds = Number(process.argv[++i]);
  else if (name === "--results" && value) options.results = path.resolve(process.argv[++i]);
  else fail(`unknown option ${name}; usage: node bench/workerd/floor.mjs [--rounds N] [--results DIR]`);
}
for (const [name, file] of Object.entries(tools)) {
  if (!fs.existsSync(file)) fail(`${name} is missing; run bench/run-workerd.sh, which installs it`);
}
const imageProject = path.join(here, ".image", "HelloWorld", "workers");
if (!fs.existsSync(path.join(imageProject, "wrangler.toml"))) fail("no start-up image build of HelloWorld; run bench/run-workerd.sh, which builds it");

const scratch = scratchFolder("pmcp-bench-floor-");

console.log("Bundling S and D with `wrangler deploy --dry-run`, and the floors F and R from S's modules...");
const s = await bundle("S", imageProject);
const d = await bundle("D", path.join(peer, "sdk-v2"));
const workers = [
  { key: "S", name: "Pmcp HelloWorld, start-up image", binary: s.binary, mcp: true, modules: s.modules },
  { key: "F", name: "floor of S: its modules loaded, dotnet.native.wasm instantiated, nothing run", ...(await floor("F", s, true)) },
  { key: "R", name: "floor without the image: the runtime's modules only", ...(await floor("R", s, false)) },
  { key: "D", name: "agents + MCP SDK v2", binary: d.binary, mcp: true, modules: d.modules },
];

const runs = Object.fromEntries(workers.map((w) => [w.key, []]));
console.log(`${options.rounds} rounds, workers alternating; each run a fresh workerd: spawn → listening → first answer.`);
for (let round = 1; round <= options.rounds; round++) {
  for (const worker of workers) {
    const run = await coldStart(worker);
    runs[worker.key].push(run);
    if (run.error) console.log(`  round ${round} ${worker.key}: FAILED: ${run.error}`);
  }
  const last = workers.map((w) => `${w.key} ${runs[w.key].at(-1).answerMs?.toFixed(0) ?? "-"} ms`).join(", ");
  console.log(`  round ${round}: ${last}`);
}

const report = render();
console.log(`\n${report}`);
fs.mkdirSync(options.results, { recursive: true });
const file = path.join(options.results, `workerd-floor-${new Date().toISOString().slice(0, 10)}.md`);
fs.writeFileSync(file, report);
console.log(`Report written to ${path.relative(root, file)}`);
process.exitCode = Object.values(runs).flat().some((r) => r.error) ? 1 : 0;

async function bundle(key, project) {
  const outDir = path.join(scratch, key);
  const { rawKiB, toml } = await dryRun({ node: tools.node, wrangler: tools.wrangler, projectDir: project, outDir });
  const config = await writeWorkerdConfig({ outDir, toml });
  return { outDir, toml, rawKiB, modules: await bundleModules({ outDir, toml }), binary: await compileWorkerd({ workerd: tools.workerd, config }) };
}

/** S's dry-run folder with its entry replaced by one that imports every wasm and data module and answers at once. */
async function floor(key, source, withImage) {
  const outDir = path.join(scratch, key);
  fs.cpSync(source.outDir, outDir, { recursive: true });
  const modules = source.modules.slice(1).filter((m) => (m.type === "CompiledWasm" || m.type === "Data") && (withImage || !m.file.endsWith("image.bin")));
  const wasm = modules.findIndex((m) => m.type === "CompiledWasm");
  if (wasm < 0) throw new Error("S's bundle has no CompiledWasm module");
  const entry = [
    "// Generated by bench/workerd/floor.mjs: loads the modules, instantiates the runtime's wasm, runs nothing.",
    ...modules.map((m, i) => `import m${i} from ${JSON.stringify(m.file)};`),
    "const stub = new Proxy({}, { get: () => new Proxy({}, { get: () => () => 0 }) });",
    `const instance = new WebAssembly.Instance(m${wasm}, stub);`,
    `const loaded = [${modules.map((_, i) => `m${i}`).join(", ")}].length;`,
    'export default { fetch() { return new Response(`floor: ${loaded} modules, ${Object.keys(instance.exports).length} exports`); } };',
    "",
  ].join("\n");
  const entryFile = source.modules[0].file;
  fs.writeFileSync(path.join(outDir, entryFile), entry);
  // The config lists the image only if it is to be loaded.
  const config = path.join(outDir, "workerd.capnp");
  if (!withImage) {
    const text = fs.readFileSync(config, "utf8").split("\n").filter((line) => !/image\.bin"/.test(line)).join("\n");
    fs.writeFileSync(config, text.replace(/,(\s*\],\s*compatibilityDate)/, "$1"));
  }
  return { binary: await compileWorkerd({ workerd: tools.workerd, config }), mcp: false, modules: [source.modules[0], ...modules] };
}

async function coldStart(worker) {
  const workerd = new Workerd({ binary: worker.binary, config: null, port: await freePort() });
  try {
    const listenMs = await workerd.waitListening();
    if (worker.mcp) {
      const client = new McpClient({ port: workerd.port, timeoutMs: 60_000 });
      const init = await client.initialize();
      client.close();
      if (!init.ok) return { listenMs, error: init.error };
    } else {
      const status = await get(workerd.port);
      if (status !== 200) return { listenMs, error: `answered ${status}` };
    }
    return { listenMs, answerMs: workerd.elapsed() };
  } catch (e) {
    return { error: String(e.message ?? e) };
  } finally {
    await workerd.stop();
  }
}

function get(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/" }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    }).on("error", reject);
  });
}

function render() {
  const med = (key, field) => median(runs[key].map((r) => r[field] ?? NaN));
  const rawMiB = (worker) => worker.modules.reduce((sum, m) => sum + fs.statSync(path.join(scratch, worker.key, m.file)).size, 0) / 1048576;
  const lines = [
    `# workerd cold-start floor, ${new Date().toISOString().slice(0, 10)}`,
    "",
    "How soon could a Worker on .NET's browser-wasm runtime answer at all? `bench/workerd/floor.mjs`: each worker from a `workerd compile` binary, " +
      `${options.rounds} rounds alternating, a fresh workerd per run, medians. F and R answer a plain GET (they run no MCP server); S and D answer an MCP \`initialize\`.`,
    "",
    `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model?.trim() ?? "unknown CPU"}); Node ${process.version}; Pmcp at ${commit()}.`,
    "",
    "| Worker | modules, MiB raw | spawn → listening, ms | spawn → first answer, ms | ÷ D |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  const d = med("D", "answerMs");
  for (const worker of workers) {
    const answer = med(worker.key, "answerMs");
    lines.push(`| ${worker.key}. ${worker.name} | ${rawMiB(worker).toFixed(1)} | ${med(worker.key, "listenMs").toFixed(1)} | ${answer.toFixed(1)} | ${(answer / d).toFixed(2)}× |`);
  }
  const f = med("F", "answerMs");
  lines.push(
    "",
    `Left for everything a restored .NET Worker must still do before its first answer (the runtime's loader, the restore, the warm-up, the request itself): D − F = ${(d - f).toFixed(1)} ms; S spends ${(med("S", "answerMs") - f).toFixed(1)} ms on it.`,
    "",
  );
  return lines.join("\n");
}

function commit() {
  try {
    const git = (...args) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--", "src", "samples") ? " (with uncommitted changes)" : "");
  } catch {
    return "an unknown commit";
  }
}
