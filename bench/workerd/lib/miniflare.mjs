// A Worker served by miniflare, the local simulator inside wrangler (what `wrangler dev --local` runs): the dry-run
// bundle's modules, the KV namespaces and D1 databases its wrangler.toml declares (simulated in memory, inside the
// same workerd process as the Worker), a direct socket to the Worker, and that workerd process read from /proc.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ProcessProbe } from "./workerd.mjs";

/** The miniflare package that wrangler installed (it brings its own workerd, the one the rest of bench/workerd uses). */
export async function loadMiniflare(nodeModules) {
  const manifest = JSON.parse(fs.readFileSync(path.join(nodeModules, "miniflare", "package.json"), "utf8"));
  const module = await import(pathToFileURL(path.join(nodeModules, "miniflare", manifest.main)).href);
  return { ...module, version: manifest.version };
}

/**
 * Starts one workerd through miniflare for the bundle in `outDir` (modules from bundleModules, settings from
 * wrangler.toml; R2 buckets too). Returns the Worker's direct URL (a socket bound straight to the Worker, so no miniflare entry
 * Worker runs in front of it), the workerd process as a ProcessProbe, the KV and D1 handles for seeding, what the
 * Worker logged, and dispose().
 */
export async function startWorker({ miniflare, outDir, modules, toml }) {
  const before = new Set(workerdChildren());
  const startedAt = performance.now();
  const printed = [];
  const kvNamespaces = Object.fromEntries((toml.kv_namespaces ?? []).map((kv) => [kv.binding, kv.id ?? kv.binding]));
  const d1Databases = Object.fromEntries((toml.d1_databases ?? []).map((d1) => [d1.binding, d1.database_id ?? d1.binding]));
  const r2Buckets = Object.fromEntries((toml.r2_buckets ?? []).map((r2) => [r2.binding, r2.bucket_name ?? r2.binding]));
  const mf = new miniflare.Miniflare(
    miniflare.convertV4MiniflareOptions({
      modules: modules.map(({ file, type }) => ({ type, path: path.join(outDir, file) })),
      modulesRoot: outDir,
      compatibilityDate: toml.compatibility_date,
      compatibilityFlags: toml.compatibility_flags ?? [],
      kvNamespaces,
      d1Databases,
      r2Buckets,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      host: "127.0.0.1",
      port: 0,
      cf: false, // a placeholder request.cf; true would fetch a real one from Cloudflare
      logRequests: false,
      log: new miniflare.Log(miniflare.LogLevel.WARN),
      handleStructuredLogs: ({ message }) => {
        if (printed.length < 50) printed.push(String(message));
      },
    }),
  );
  try {
    await mf.ready;
    const url = await mf.unsafeGetDirectURL();
    const pids = workerdChildren().filter((pid) => !before.has(pid));
    if (pids.length !== 1) throw new Error(`expected one new workerd process under this one, found ${pids.length}`);
    return {
      url,
      probe: new ProcessProbe(pids[0], startedAt),
      kv: (binding) => mf.getKVNamespace(binding),
      d1: (binding) => mf.getD1Database(binding),
      bindings: { kv: Object.keys(kvNamespaces), d1: Object.keys(d1Databases) },
      output: () => printed.join("\n"),
      dispose: () => mf.dispose(),
    };
  } catch (e) {
    await mf.dispose().catch(() => {});
    throw e;
  }
}

/** The workerd processes this process spawned (miniflare spawns workerd itself, so its pid is read from /proc). */
function workerdChildren() {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm === "workerd") pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}
