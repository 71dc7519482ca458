// Build step, run by `dotnet pmcp deploy build` in Node 22 (not part of the Worker): boots a finished bundle the way
// workerd would, lets it warm up, and writes the start-up image (snapshot.mjs) into the bundle:
//   snapshot/image.bin  the non-zero pages of .NET's memory, then the copies of the binding signatures (wrangler: Data)
//   snapshot/image.mjs  the image's description and `export const image = { meta, data }`
// Usage: node record.mjs BUNDLE_DIR [--boot-only | --restore]
// Prints a JSON line with the start-up CPU as soon as the bundle has booted ({"startupCpuMs":…}), then one describing
// the image; exit code 3 when the runtime was not quiescent, 4 when start-up drew random values besides .NET's two
// hash seeds, 1 on other failures. --boot-only boots, prints the first line and stops: the start-up CPU of a Worker
// without an image; --restore does the same starting from the bundle's image, as the deployed Worker does.
//
// Node rather than workerd: no server, port or config to set up, the image is read straight from memory, and it
// takes about a second. The runtime runs as in workerd: prelude.mjs hides `process`, so .NET's loader takes the
// same (non-Node) paths, and the memory image does not depend on the engine that made it.
const proc = globalThis.process;
const fs = await import("node:fs");
const path = await import("node:path");
const { pathToFileURL } = await import("node:url");
const { register } = await import("node:module");

// workerd's own modules: sockets.mjs imports connect() from cloudflare:sockets; nothing connects while recording.
const stub = "data:text/javascript," + encodeURIComponent('export function connect() { throw new Error("no sockets while recording the start-up image"); }');
register("data:text/javascript," + encodeURIComponent(`export async function resolve(specifier, context, next) {
  return specifier === "cloudflare:sockets" ? { url: ${JSON.stringify(stub)}, shortCircuit: true } : next(specifier, context);
}`));

const bundle = path.resolve(proc.argv[2] ?? "");
const bootOnly = proc.argv.includes("--boot-only");
// --restore: start from the recorded image, as the deployed Worker does, and print its start-up CPU.
const restore = proc.argv.includes("--restore");
if (restore) {
  // The image's data module (wrangler: Data), as workerd hands it over: an ArrayBuffer.
  register("data:text/javascript," + encodeURIComponent(`export async function load(url, context, next) {
  if (!url.endsWith(".bin")) return next(url, context);
  const file = JSON.stringify(new URL(url).pathname);
  return { format: "module", shortCircuit: true, source: "import { readFileSync } from 'node:fs'; const b = readFileSync(" + file + "); export default b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);" };
}`));
}

// Cloudflare counts the CPU time of the Worker's global scope on its main thread against its startup limit; Node
// 22.19+ measures the calling thread, older ones only the whole process (which includes V8's helper threads).
const mainThread = typeof proc.threadCpuUsage === "function";
const cpuMicroseconds = () => {
  const usage = mainThread ? proc.threadCpuUsage() : proc.cpuUsage();
  return usage.user + usage.system;
};
const framework = path.join(bundle, "_framework");
const url = (file) => pathToFileURL(path.join(bundle, file)).href;

function fail(code, message) {
  proc.stderr.write(message + "\n");
  proc.exit(code);
}

try {
  const wasmBytes = fs.readFileSync(path.join(framework, "dotnet.native.wasm"));
  const assemblies = {};
  for (const file of fs.readdirSync(framework)) {
    if (file.endsWith(".wasm") && file !== "dotnet.native.wasm") {
      const bytes = fs.readFileSync(path.join(framework, file));
      assemblies[file] = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
  }

  // The global scope's work from here: compiling the wasm, evaluating the modules, booting and warming up .NET.
  const cpuBefore = cpuMicroseconds();
  const nativeWasm = new WebAssembly.Module(wasmBytes);
  // The prelude first (it hides process), then the runtime, as shim.mjs orders them.
  await import(url("pmcp/prelude.mjs"));
  const { dotnet } = await import(url("_framework/dotnet.js"));
  const runtime = await import(url("_framework/dotnet.runtime.js"));
  const native = await import(url("_framework/dotnet.native.js"));
  const { createWorker } = await import(url("pmcp/worker-host.mjs"));
  const { hostHash } = await import(url("host.gen.mjs"));
  const image = restore ? (await import(url("snapshot/image.mjs"))).image : null;
  const started = performance.now();
  const worker = await createWorker({ dotnet, runtime, native, nativeWasm, assemblies, hostHash, image }, { record: !bootOnly && !restore });
  const bootMs = performance.now() - started;
  const startupCpuMs = (cpuMicroseconds() - cpuBefore) / 1000;
  globalThis.process = proc;
  proc.stdout.write(JSON.stringify({ startupCpuMs: Math.round(startupCpuMs * 10) / 10, cpuClock: mainThread ? "main thread" : "process" }) + "\n");
  if (bootOnly || restore) {
    proc.exit(0);
  }

  let recorded;
  try {
    recorded = await worker.captureImage();
  } catch (e) {
    fail(e?.notQuiescent ? 3 : 1, e?.notQuiescent ? e.message : `recording the start-up image failed: ${e?.stack ?? e}`);
  }

  // Every isolate restored from the image shares whatever random values start-up drew. .NET's two hash seeds are
  // accepted (docs/security.md): HashCode's (4 bytes) and the string hash's (8 bytes). Anything else drawn before the
  // image (a Guid, a Random, a key) would be one value for every isolate: refuse the image rather than ship that.
  const stats = worker.stats();
  if (stats.randomDraws > 2 || stats.randomBytes > 12) {
    fail(4, `start-up drew ${stats.randomDraws} random values (${stats.randomBytes} bytes), more than .NET's two hash seeds (2 values, 12 bytes)`);
  }

  const out = path.join(bundle, "snapshot");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "image.bin"), recorded.data);
  fs.writeFileSync(path.join(out, "image.mjs"), [
    "// Generated by dotnet pmcp deploy build: the start-up image of this bundle (src/Pmcp.Workers/host/snapshot.mjs).",
    // wrangler matches its module rules against the import as written: "**/snapshot/*.bin" (Data) needs the folder.
    'import data from "../snapshot/image.bin";',
    `export const image = { meta: ${JSON.stringify(recorded.meta)}, data };`,
    "",
  ].join("\n"));
  proc.stdout.write(JSON.stringify({
    imageBytes: recorded.data.length,
    memoryBytes: recorded.meta.memoryBytes,
    pageBytes: recorded.meta.pageBytes,
    jsImports: recorded.meta.jsImports.length,
    csExports: recorded.meta.csExports.length,
    fingerprint: recorded.meta.fingerprint,
    randomDraws: stats.randomDraws,
    bootMs: Math.round(bootMs),
  }) + "\n");
  proc.exit(0);
} catch (e) {
  fail(1, `recording the start-up image failed: ${e?.stack ?? e}`);
}
