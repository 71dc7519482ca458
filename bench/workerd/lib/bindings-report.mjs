// The Markdown report of the bindings suite: per-request and net per-operation CPU (medians across rounds) for each
// Worker with ratios and differences, every round, then how it was measured. It names no machine path.
import { median, sum } from "./stats.mjs";

const US = 1000; // figures are kept in ms and shown in µs

/** What one round gives for a figure; net figures are computed within the round (route − noop of the same run). */
const FIGURES = {
  noopCpu: (r) => r.routes.noop?.cpuMs,
  kvCpu: (r) => r.routes.kv?.cpuMs,
  d1Cpu: (r) => r.routes.d1?.cpuMs,
  kvNet: (r) => r.routes.kv?.cpuMs - r.routes.noop?.cpuMs,
  d1Net: (r) => r.routes.d1?.cpuMs - r.routes.noop?.cpuMs,
  noopTicks: (r) => r.routes.noop?.ticksMs,
  kvTicks: (r) => r.routes.kv?.ticksMs,
  d1Ticks: (r) => r.routes.d1?.ticksMs,
  kvNetTicks: (r) => r.routes.kv?.ticksMs - r.routes.noop?.ticksMs,
  d1NetTicks: (r) => r.routes.d1?.ticksMs - r.routes.noop?.ticksMs,
  noopP50: (r) => r.routes.noop?.p50Ms,
  kvP50: (r) => r.routes.kv?.p50Ms,
  d1P50: (r) => r.routes.d1?.p50Ms,
  kvNetP50: (r) => r.routes.kv?.p50Ms - r.routes.noop?.p50Ms,
  d1NetP50: (r) => r.routes.d1?.p50Ms - r.routes.noop?.p50Ms,
  noopP99: (r) => r.routes.noop?.p99Ms,
  kvP99: (r) => r.routes.kv?.p99Ms,
  d1P99: (r) => r.routes.d1?.p99Ms,
};

const ROWS = [
  { section: "CPU per request, µs (workerd process, scheduler clock, all threads)" },
  { label: "`GET /noop` (baseline: routing and the query, no binding)", figure: "noopCpu" },
  { label: "`GET /kv` (one KV get)", figure: "kvCpu" },
  { label: "`GET /d1` (one D1 query)", figure: "d1Cpu" },
  { section: "Net CPU per operation, µs (route − `/noop`, within each round)" },
  { label: "**KV get**", figure: "kvNet", difference: true },
  { label: "**D1 query** (`SELECT … WHERE id = ?1`, first row)", figure: "d1Net", difference: true },
  { section: "The same from utime+stime, µs (10 ms ticks, summed over the blocks)" },
  { label: "`GET /noop`", figure: "noopTicks" },
  { label: "`GET /kv`", figure: "kvTicks" },
  { label: "`GET /d1`", figure: "d1Ticks" },
  { label: "KV get, net", figure: "kvNetTicks", difference: true },
  { label: "D1 query, net", figure: "d1NetTicks", difference: true },
  { section: "Latency, µs (client-measured, one request at a time)" },
  { label: "p50 `GET /noop`", figure: "noopP50" },
  { label: "p50 `GET /kv`", figure: "kvP50" },
  { label: "p50 `GET /d1`", figure: "d1P50" },
  { label: "p50 KV get, net (`/kv` − `/noop`)", figure: "kvNetP50", difference: true },
  { label: "p50 D1 query, net (`/d1` − `/noop`)", figure: "d1NetP50", difference: true },
  { label: "p99 `GET /noop`", figure: "noopP99" },
  { label: "p99 `GET /kv`", figure: "kvP99" },
  { label: "p99 `GET /d1`", figure: "d1P99" },
];

export function render({ options, workers, rounds, environment, when }) {
  const lines = [];
  const line = (text = "") => lines.push(text);
  const [ours, js] = [workers.find((w) => w.key === "A"), workers.find((w) => w.key === "J")];
  const of = (worker) => rounds.filter((r) => r.worker === worker);
  const figure = (name, worker) => median(of(worker).map(FIGURES[name]));

  line(`# workerd bindings benchmark, ${when.toISOString().slice(0, 10)}`);
  line();
  line(
    `Warm CPU of one KV get and one D1 query from a C# Worker (Pmcp.Workers' bindings) beside a plain JavaScript Worker doing the ` +
      `same, both bundled by \`wrangler deploy --dry-run --outdir\` and served by workerd through miniflare, which simulates KV and D1 ` +
      `inside the same workerd process. ${options.rounds} rounds, the Workers alternating; per round and Worker a fresh workerd, the same ` +
      `seed (${options.keys} KV keys and ${options.keys} D1 rows, values of ${options.valueBytes} bytes), ${options.warmup} warm-up requests ` +
      `per route, then ${options.ops} sequential requests per route in blocks of ${options.block}, the routes interleaved` +
      `${options.breakdown ? " (A also with its two breakdown routes)" : ""}. Figures are medians across rounds.`,
  );
  line();
  line(`- Machine: ${environment.cores} cores (${environment.cpu}), ${environment.os}; the client and workerd share it.`);
  line(
    `- workerd ${environment.workerd} through miniflare ${environment.miniflare} (both as wrangler ${environment.wrangler} installs them), ` +
      `KV and D1 in memory; client: Node ${environment.node}, \`node:http\` keep-alive, every answer checked.`,
  );
  line(`- Pmcp at commit ${environment.commit}${environment.dirty ? " with uncommitted changes in src/ or bench/workerd/" : ""}, .NET SDK ${environment.dotnet}.`);
  for (const worker of workers) line(`- **${worker.key}. ${worker.name}**: ${worker.notes}.`);
  line();

  line("## Figures");
  line();
  const both = ours && js;
  const header = ["Figure", ...workers.map((w) => `${w.key}. ${w.name}`), ...(both ? ["ours/JS", "ours − JS"] : [])];
  line(`| ${header.join(" | ")} |`);
  line(`| --- | ${header.slice(1).map(() => "---:").join(" | ")} |`);
  for (const row of ROWS) {
    if (row.section) {
      line(`| *${row.section}* | ${header.slice(1).map(() => "").join(" | ")} |`);
      continue;
    }
    const cells = workers.map((w) => us(figure(row.figure, w)));
    if (both) {
      const a = figure(row.figure, ours);
      const b = figure(row.figure, js);
      cells.push(ratio(a, b), row.difference ? signed(a - b) : "");
    }
    line(`| ${row.label} | ${cells.join(" | ")} |`);
  }
  line(`| wrong or failed answers (all rounds) | ${workers.map((w) => String(sum(of(w).map(failures)))).join(" | ")} |${both ? " | |" : ""}`);
  line(`| RSS after the run, MiB | ${workers.map((w) => format(median(of(w).map((r) => r.rssMiB)), 1)).join(" | ")} |${both ? " | |" : ""}`);
  line();

  if (both) {
    line("Ratios of each round's pair (the two Workers measured back to back), median (lowest–highest):");
    line();
    for (const [name, label] of [["kvNet", "net KV get"], ["d1Net", "net D1 query"], ["noopCpu", "`/noop` request"]]) {
      const perRound = [];
      for (const r of of(ours)) {
        const peer = of(js).find((p) => p.round === r.round);
        if (peer) perRound.push(FIGURES[name](r) / FIGURES[name](peer));
      }
      const finite = perRound.filter(Number.isFinite);
      line(
        `- ${label}: ${finite.length === 0 ? "–" : `${median(finite).toFixed(2)}× (${Math.min(...finite).toFixed(2)}–${Math.max(...finite).toFixed(2)}×)`}`,
      );
    }
    line();
  }

  if (options.breakdown && ours) {
    line("## Breakdown of the C# path (A only)");
    line();
    line(
      "Two more routes of the C# Worker, measured in the same blocks as the others: `/kv-lookup` looks the KV binding up " +
        "(`route.Env.Kv(\"KV\")`) and answers like `/noop`; `/d1-raw` runs `/d1`'s query through `RawAsync()` and writes the same JSON " +
        "answer by hand with a `Utf8JsonWriter`. Medians across rounds of each round's difference, µs of CPU per request:",
    );
    line();
    line("| Part | µs |");
    line("| --- | ---: |");
    const part = (a, b) => us(median(of(ours).map((r) => r.routes[a]?.cpuMs - r.routes[b]?.cpuMs)));
    line(`| \`env.Kv("KV")\` alone (\`/kv-lookup\` − \`/noop\`) | ${part("kv-lookup", "noop")} |`);
    line(`| the KV get after the lookup (\`/kv\` − \`/kv-lookup\`) | ${part("kv", "kv-lookup")} |`);
    line(`| D1 query through \`RawAsync\`, answer written by hand (\`/d1-raw\` − \`/noop\`) | ${part("d1-raw", "noop")} |`);
    line(`| what \`FirstAsync<T>\` and \`Response.Json\` add over that (\`/d1\` − \`/d1-raw\`) | ${part("d1", "d1-raw")} |`);
    line();
  }

  line("## Every round");
  line();
  line("| Round | Worker | /noop µs | /kv µs | /d1 µs | KV net µs | D1 net µs | window CPU ms, sched / ticks | p50 /noop, /kv, /d1 µs | wrong |");
  line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rounds) {
    const p50 = ["noopP50", "kvP50", "d1P50"].map((f) => us(FIGURES[f](r))).join(", ");
    line(
      `| ${r.round} | ${r.worker.key} | ${us(FIGURES.noopCpu(r))} | ${us(FIGURES.kvCpu(r))} | ${us(FIGURES.d1Cpu(r))} | ${us(FIGURES.kvNet(r))} ` +
        `| ${us(FIGURES.d1Net(r))} | ${format(r.windowSchedMs, 0)} / ${format(r.windowTicksMs, 0)} | ${p50} | ${failures(r)} |`,
    );
  }
  line();

  const failed = rounds.filter((r) => r.failures.length > 0);
  if (failed.length > 0) {
    line("First failure seen:");
    line();
    for (const r of failed) line(`- ${r.worker.name}, round ${r.round}: ${r.failures[0]}`);
    line();
  }

  line("## What the Workers printed");
  line();
  for (const worker of workers) {
    const printed = new Set();
    for (const r of of(worker)) for (const text of (r.output ?? "").split("\n")) if (text.trim()) printed.add(text.trim());
    line(`- ${worker.key}: ${printed.size === 0 ? "nothing" : [...printed].slice(0, 6).map((t) => `\`${t.slice(0, 300)}\``).join("; ")}`);
  }
  line();

  line("## How it is measured, and what to keep in mind");
  line();
  line(
    "- **Simulator.** Raw workerd has no KV or D1; miniflare (the simulator inside wrangler, what `wrangler dev --local` and " +
      "`dotnet pmcp dev` run) supplies them as Workers and Durable Objects backed by SQLite, in the same workerd process as the " +
      "Worker under test. Its CPU is counted for both Workers alike, so the net figures are the Worker's own binding path plus " +
      "the simulator's; **ours − JS** is the C# path's extra cost over JavaScript, independent of the simulator. On Cloudflare the " +
      "storage side runs elsewhere and is not the Worker's CPU, so there the ratio ours/JS would likely be larger than here; the " +
      "difference is the figure that carries over.",
  );
  line(
    "- **Direct socket.** Requests reach the Worker through a socket miniflare binds straight to it (`unsafeDirectSockets`), not " +
      "through miniflare's entry Worker; request logging and `request.cf` fetching are off. Seeding goes through miniflare's own KV " +
      "and D1 handles before anything is measured.",
  );
  line(
    "- **CPU** is the workerd process's: the scheduler's clock summed over its threads (`/proc/<pid>/task/*/schedstat`, nanoseconds), " +
      "read before and after each block of requests to one route; utime+stime (`/proc/<pid>/stat`, 10 ms ticks) is given too, and the " +
      "whole measured window is shown both ways in every round as a cross-check. Both include V8's background threads (compilation, GC).",
  );
  line(
    "- **Net per operation** subtracts, within each round, the `/noop` request (same routing, same query parsing, a short text " +
      "answer) from `/kv` and `/d1`. It therefore includes everything the binding call adds: for C#, `env.Kv(\"KV\")`/`env.D1(\"DB\")` " +
      "lookups, argument and result marshalling between .NET and JavaScript, JSON to and from the host, and building the response from the " +
      "value or row (`Response.Json` for D1, `Response.json` in JavaScript).",
  );
  line(
    "- **Noise.** The machine is shared with builds. The routes are interleaved in blocks with a rotating order, so slow stretches fall on " +
      "all routes of a round; the Workers alternate across rounds; read the ratios and differences, and the per-round ratios above, rather " +
      "than absolute figures. Latency is the client's view (Node on the same cores) and includes its overhead.",
  );
  return lines.join("\n") + "\n";
}

function failures(r) {
  const wrong = Object.values(r.routes ?? {}).reduce((n, route) => n + (route.wrong ?? 0), 0);
  return r.failures.length === 0 ? 0 : wrong || r.failures.length;
}

function us(ms) {
  if (!Number.isFinite(ms)) return "–";
  return Math.abs(ms * US) < 0.5 ? "0" : (ms * US).toFixed(0);
}

function signed(ms) {
  return Number.isFinite(ms) ? `${ms >= 0 ? "+" : "−"}${Math.abs(ms * US).toFixed(0)}` : "–";
}

function format(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–";
}
