// One round of one Worker in the bindings suite: a fresh workerd (started by miniflare), the same seed for every
// Worker, a warm-up, then the three routes measured in interleaved blocks with the process's CPU read around each
// block, so drift (V8 tiering up, the machine's other load) falls on all three routes alike.
import { GetClient } from "./get-client.mjs";
import { startWorker } from "./miniflare.mjs";
import { percentile } from "./stats.mjs";

/** noop: routing and the query, no binding (the baseline); kv: one KV get; d1: one D1 query. */
export const ROUTES = ["noop", "kv", "d1"];

/**
 * The C# Worker's parts of those (--breakdown): kv-lookup looks the KV binding up without calling it; d1-raw runs
 * /d1's query through RawAsync and writes the same answer by hand.
 */
export const BREAKDOWN_ROUTES = ["kv-lookup", "d1-raw"];

/** The bindings both Workers use, by the names their wrangler.toml gives them. */
const KV_BINDING = "KV";
const D1_BINDING = "DB";

/**
 * Starts the Worker, seeds it, warms it up, then sends `ops` requests to each of `routes`, `block` at a time, the
 * routes' order rotating from one block to the next. Returns per route the CPU per request (scheduler, all threads; and
 * utime+stime), latency p50/p99 and wrong answers, and the process's RSS at the end.
 */
export async function bindingsRun({ miniflare, bundle, routes = ROUTES, ops, warmup, block, keys, valueBytes }) {
  const result = { failures: [], routes: {} };
  let worker;
  let client;
  try {
    worker = await startWorker({ miniflare, outDir: bundle.outDir, modules: bundle.modules, toml: bundle.toml });
    if (!worker.bindings.kv.includes(KV_BINDING) || !worker.bindings.d1.includes(D1_BINDING)) {
      throw new Error(`the Worker's wrangler.toml must bind a KV namespace as ${KV_BINDING} and a D1 database as ${D1_BINDING}`);
    }
    const probe = worker.probe;
    result.readyMs = probe.elapsed();
    await seed(worker, { keys, valueBytes });
    client = new GetClient({ url: worker.url });
    const next = Object.fromEntries(routes.map((route) => [route, 0]));
    const wrong = Object.fromEntries(routes.map((route) => [route, 0]));
    const send = async (route) => {
      const i = (next[route]++ % keys) + 1;
      const answer = await client.get(path(route, i));
      const error = check(route, i, answer, valueBytes);
      if (error !== null && wrong[route]++ === 0) result.failures.push(`${route}: ${error}`);
      return answer.ms;
    };

    await probe.waitQuiet();
    for (let i = 0; i < warmup; i++) for (const route of routes) await send(route);
    if (result.failures.length > 0) return result;
    await probe.waitQuiet();

    const totals = Object.fromEntries(routes.map((route) => [route, { schedMs: 0, ticksMs: 0, count: 0, latencies: [] }]));
    const window0 = { sched: probe.schedCpuMs().all, ticks: probe.cpuMs() };
    for (let b = 0; b * block < ops; b++) {
      const size = Math.min(block, ops - b * block);
      for (let r = 0; r < routes.length; r++) {
        const route = routes[(b + r) % routes.length];
        const total = totals[route];
        const sched0 = probe.schedCpuMs().all;
        const ticks0 = probe.cpuMs();
        for (let j = 0; j < size; j++) total.latencies.push(await send(route));
        total.schedMs += probe.schedCpuMs().all - sched0;
        total.ticksMs += probe.cpuMs() - ticks0;
        total.count += size;
      }
    }
    // The whole window, blocks and the gaps between them: the scheduler's figure should match utime+stime's here.
    result.windowSchedMs = probe.schedCpuMs().all - window0.sched;
    result.windowTicksMs = probe.cpuMs() - window0.ticks;

    for (const route of routes) {
      const total = totals[route];
      result.routes[route] = {
        cpuMs: total.schedMs / total.count,
        ticksMs: total.ticksMs / total.count,
        p50Ms: percentile(total.latencies, 50),
        p99Ms: percentile(total.latencies, 99),
        wrong: wrong[route],
      };
    }
    result.rssMiB = probe.memoryMiB().rss;
    return result;
  } catch (e) {
    result.failures.push(String(e?.message ?? e));
    return result;
  } finally {
    client?.close();
    if (worker) {
      result.output = worker.output();
      await worker.dispose();
    }
  }
}

/** The same data for every Worker, written through miniflare's own KV and D1 handles: `keys` keys and `keys` rows. */
async function seed(worker, { keys, valueBytes }) {
  const kv = await worker.kv(KV_BINDING);
  for (let first = 1; first <= keys; first += 50) {
    const puts = [];
    for (let i = first; i < Math.min(first + 50, keys + 1); i++) puts.push(kv.put(key(i), value(i, valueBytes)));
    await Promise.all(puts);
  }
  const db = await worker.d1(D1_BINDING);
  await db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO items (id, name, value) VALUES (?1, ?2, ?3)");
  for (let first = 1; first <= keys; first += 100) {
    const rows = [];
    for (let i = first; i < Math.min(first + 100, keys + 1); i++) rows.push(insert.bind(i, `item-${i}`, value(i, valueBytes)));
    await db.batch(rows);
  }
  // Spot-check the seed, so a wrong answer later means the Worker, not the data.
  if ((await kv.get(key(keys))) !== value(keys, valueBytes)) throw new Error("seeding KV failed");
  const count = await db.prepare("SELECT COUNT(*) AS n FROM items").first("n");
  if (count !== keys) throw new Error(`seeding D1 failed: ${count} rows, expected ${keys}`);
}

function key(i) {
  return `key-${String(i).padStart(5, "0")}`;
}

/** An ASCII value of exactly `bytes` bytes (at least its prefix), different for every i. */
function value(i, bytes) {
  const prefix = `value-${i}-`;
  const filler = "abcdefghijklmnopqrstuvwxyz0123456789";
  let text = prefix;
  while (text.length < bytes) text += filler;
  return text.slice(0, Math.max(bytes, prefix.length));
}

function path(route, i) {
  return route.startsWith("d1") ? `/${route}?id=${i}` : `/${route}?key=${key(i)}`;
}

/** null when the answer is the one expected, else why not. */
function check(route, i, answer, valueBytes) {
  if (answer.status !== 200) return `expected 200, got ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (route === "noop" || route === "kv-lookup") return answer.body === key(i) ? null : `expected "${key(i)}", got "${answer.body.slice(0, 100)}"`;
  if (route === "kv") return answer.body === value(i, valueBytes) ? null : `expected the value of ${key(i)}, got "${answer.body.slice(0, 100)}"`;
  if (!answer.type.startsWith("application/json")) return `expected application/json, got ${answer.type}`;
  try {
    const row = JSON.parse(answer.body);
    const keysOk = JSON.stringify(Object.keys(row)) === JSON.stringify(["id", "name", "value"]);
    if (keysOk && row.id === i && row.name === `item-${i}` && row.value === value(i, valueBytes)) return null;
  } catch {
    // not JSON: reported below
  }
  return `expected the row {id, name, value} of id ${i}, got ${answer.body.slice(0, 200)}`;
}
