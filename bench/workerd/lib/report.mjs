// The Markdown report: figures (medians across rounds) per worker with ratios, the targets, every round, then notes.
// It names no machine path, so it can be committed as it is.
import { median, sum } from "./stats.mjs";

/** MB as Cloudflare's limits and `dotnet pmcp deploy build` count them: 1024 × 1024 bytes. */
const BUNDLE_TARGET_KIB = 2.0 * 1024;

const ROWS = [
  { section: "Bundle" },
  { label: "bundle, gzip KiB (wrangler's Total Upload)", bundle: (b) => b.gzipKiB, digits: 1 },
  { label: "bundle, raw KiB", bundle: (b) => b.rawKiB, digits: 1 },
  { section: "Startup (fresh workerd each time)" },
  { label: "spawn → listening, ms", value: (r) => r.listenMs },
  { id: "cold", label: "**cold start**: spawn → first `initialize` answered, ms", value: (r) => r.coldMs },
  { id: "startupWall", label: "listening → first answer, ms (startup + 1st request)", value: (r) => r.coldMs - r.listenMs },
  { label: "CPU spawn → first answer, ms (utime+stime)", value: (r) => r.coldCpuMs },
  { label: "spawn → listening, compiled config, ms", value: (r) => r.compiledListenMs },
  { id: "coldCompiled", label: "**cold start, compiled config**: spawn → first answer, ms", value: (r) => r.compiledColdMs },
  { id: "startupCpu", label: "**startup CPU** before any request, ms (utime+stime)", value: (r) => r.startupCpuMs },
  { id: "startupMain", label: "startup CPU, main thread only, ms (scheduler)", value: (r) => r.startupMainMs },
  { section: "First requests after startup" },
  { label: "1st request (`initialize`), ms", value: (r) => r.firstInitMs, digits: 1 },
  { id: "firstInitCpu", label: "**1st request CPU**, ms (utime+stime, 10 ms ticks)", value: (r) => r.firstInitCpuMs },
  { id: "firstInitSched", label: "1st request CPU, ms (scheduler, all threads)", value: (r) => r.firstInitSchedMs, digits: 1 },
  { label: "1st `tools/call` (2nd request), ms", value: (r) => r.firstCallMs, digits: 1 },
  { id: "firstCallSched", label: "1st `tools/call` CPU, ms (scheduler, all threads)", value: (r) => r.firstCallSchedMs, digits: 1 },
  { section: "Warm, sequential (one connection)" },
  { id: "warmCpu", label: "**CPU per `tools/call`**, ms (utime+stime ÷ calls)", value: (r) => r.warmCpuPerCallMs, digits: 2 },
  { label: "CPU per `tools/call`, ms (scheduler)", value: (r) => r.warmSchedPerCallMs, digits: 2 },
  { label: "latency p50, ms", value: (r) => r.warmP50Ms, digits: 2 },
  { label: "latency p99, ms", value: (r) => r.warmP99Ms, digits: 2 },
  { section: "Load (closed loop, N concurrent)" },
  { label: "**requests/s**", value: (r) => r.rps },
  { label: "CPU per `tools/call` under load, ms", value: (r) => r.loadCpuPerCallMs, digits: 2 },
  { label: "workerd cores busy", value: (r) => r.loadCores, digits: 2 },
  { label: "latency p50 at N concurrent, ms", value: (r) => r.loadP50Ms, digits: 1 },
  { label: "latency p99 at N concurrent, ms", value: (r) => r.loadP99Ms, digits: 1 },
  { label: "wrong or failed answers (all rounds)", total: (rs) => sum(rs.map((r) => (r.warmFailures ?? 0) + (r.loadFailures ?? 0))) },
  { section: "Memory (workerd process)" },
  { label: "RSS after startup, before any request, MiB", value: (r) => r.startupRssMiB, digits: 1 },
  { label: "RSS after load, MiB (VmRSS)", value: (r) => r.rssMiB, digits: 1 },
  { label: "peak RSS, MiB (VmHWM)", value: (r) => r.peakRssMiB, digits: 1 },
];

export function render({ options, workers, rounds, environment, when }) {
  const lines = [];
  const line = (text = "") => lines.push(text);
  const byKey = Object.fromEntries(workers.map((w) => [w.key, w]));
  const ratios = [["A", "B"], ["A", "D"], ["S", "D"], ["M", "D"], ["C", "A"], ["E", "D"], ["A", "E"], ["L", "A"]].filter(([x, y]) => byKey[x] && byKey[y]);
  const figure = (row, worker) => {
    const mine = rounds.filter((r) => r.worker === worker);
    if (row.bundle) return row.bundle(worker.bundle);
    if (row.total) return row.total(mine);
    return median(mine.map(row.value));
  };

  line(`# workerd benchmark, ${when.toISOString().slice(0, 10)}`);
  line();
  line(
    `\`echo\` over MCP Streamable HTTP (\`POST /mcp\`), each worker bundled by \`wrangler deploy --dry-run --outdir\` and served by raw ` +
      `\`workerd serve\`. ${options.rounds} rounds, workers alternating in a rotating order; per round and worker, two fresh workerd ` +
      `processes: a cold run and a measured run (${options.calls} sequential calls, then ${options.warmup} s + ${options.duration} s at ` +
      `${options.concurrency} concurrent), and a third cold run from a binary made by \`workerd compile\` (config and modules parsed ahead of ` +
      "time, as a deployed Worker's are stored; the text config's `embed` costs about 5 ms per MB at every start). Figures are medians across rounds.",
  );
  line();
  line(`- Machine: ${environment.cores} cores (${environment.cpu}), ${environment.os}; the client and workerd share it.`);
  line(
    `- workerd ${environment.workerd} (the one wrangler ${environment.wrangler} bundles), compatibility date and flags from each wrangler.toml; ` +
      `client: Node ${environment.node}, \`node:http\` keep-alive, every answer checked for the unique message it echoes.`,
  );
  line(`- Pmcp at commit ${environment.commit}${environment.dirty ? " with uncommitted changes in src/ or samples/" : ""}, .NET SDK ${environment.dotnet}; agents ${environment.agents}, @modelcontextprotocol/sdk ${environment.sdkV1}, @modelcontextprotocol/server ${environment.sdkV2}.`);
  for (const worker of workers) line(`- **${worker.key}. ${worker.name}**: ${worker.notes}.`);
  line();

  line("## Figures");
  line();
  const header = ["Figure", ...workers.map((w) => `${w.key}. ${w.name}`), ...ratios.map(([x, y]) => `${x}/${y}`)];
  line(`| ${header.join(" | ")} |`);
  line(`| --- | ${header.slice(1).map(() => "---:").join(" | ")} |`);
  for (const row of ROWS) {
    if (row.section) {
      line(`| *${row.section}* | ${header.slice(1).map(() => "").join(" | ")} |`);
      continue;
    }
    const label = row.label.replace(/\bN concurrent\b/, `${options.concurrency} concurrent`);
    const cells = workers.map((w) => format(figure(row, w), row.digits ?? 0));
    const ratioCells = ratios.map(([x, y]) => ratio(figure(row, byKey[x]), figure(row, byKey[y])));
    line(`| ${label} | ${[...cells, ...ratioCells].join(" | ")} |`);
  }
  line();
  line(
    "A ratio below 1 means the first worker needs less of the figure (faster, less CPU, smaller) — except requests/s, where above 1 is better. " +
      "CPU is the workerd process's: utime+stime from `/proc/<pid>/stat` (10 ms ticks: single requests read 0, 10 or 20 ms, so per-call " +
      `figures come from ${options.calls} calls), and where marked the scheduler's clock (\`/proc/<pid>/task/*/schedstat\`, nanoseconds, live threads only).`,
  );
  line();

  if (byKey.A) {
    line("## Targets (worker A)");
    line();
    for (const target of targets(byKey, figure)) line(`- ${target}`);
    line();
  }

  const imageTargets = startupImageTargets(byKey, figure);
  if (imageTargets.length > 0) {
    line("## Targets (start-up image: S and M)");
    line();
    for (const target of imageTargets) line(`- ${target}`);
    line();
  }

  line("## Every round");
  line();
  line("| Round | Worker | listen ms | cold ms | startup CPU ms | 1st init ms | 1st init CPU ms (sched) | 1st call ms | warm CPU/call ms | p50 ms | p99 ms | req/s | RSS MiB | failures |");
  line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rounds) {
    const failures = r.failures.length === 0 ? 0 : (r.warmFailures ?? 0) + (r.loadFailures ?? 0) || r.failures.length;
    line(
      `| ${r.round} | ${r.worker.key} | ${format(r.listenMs, 0)} | ${format(r.coldMs, 0)} | ${format(r.startupCpuMs, 0)} | ${format(r.firstInitMs, 1)} ` +
        `| ${format(r.firstInitSchedMs, 1)} | ${format(r.firstCallMs, 1)} | ${format(r.warmCpuPerCallMs, 2)} | ${format(r.warmP50Ms, 2)} ` +
        `| ${format(r.warmP99Ms, 2)} | ${format(r.rps, 0)} | ${format(r.rssMiB, 1)} | ${failures} |`,
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

  line("## What workerd printed");
  line();
  for (const worker of workers) {
    const printed = new Set();
    for (const r of rounds.filter((x) => x.worker === worker)) {
      for (const text of (r.output ?? "").split("\n")) if (text.trim()) printed.add(text.trim());
    }
    line(`- ${worker.key}: ${printed.size === 0 ? "nothing" : [...printed].slice(0, 6).map((t) => `\`${t.slice(0, 300)}\``).join("; ")}`);
  }
  line();

  line("## How to read it");
  line();
  line(
    "- **Cold start** sends `initialize` the moment workerd's socket accepts. workerd listens before it evaluates the Worker's " +
      "global scope, and a request that arrives meanwhile waits, so listening → first answer is the Worker's startup plus its first request.",
  );
  line(
    "- **Startup CPU** is read once the process has been quiet (under 3 ms of CPU per 300 ms) with no request sent: the global scope " +
      "(for Pmcp: .NET's boot and its warm-up) plus V8's background compilation. The main-thread figure is the part Cloudflare's " +
      "startup limit is about; background threads are V8 compiling (TurboFan tier-up of hot wasm) and GC.",
  );
  line(
    "- **1st request** and **1st tools/call** follow that quiet startup; CPU is read just before and just after each. Pmcp warms its request " +
      "paths during startup (without calling a user tool), so these two show what is left for the first real requests.",
  );
  line(
    "- **requests/s** is what the client saw and includes its own CPU on the same cores; CPU per call (the server's alone) is the cleaner comparison.",
  );
  return lines.join("\n") + "\n";
}

function targets(byKey, figure) {
  const A = byKey.A;
  const get = (worker, id) => (worker ? figure(ROWS.find((r) => r.id === id), worker) : NaN);
  const peers = [byKey.B, byKey.D].filter(Boolean);
  const out = [];
  const gzip = A.bundle.gzipKiB;
  out.push(
    `${verdict(gzip < BUNDLE_TARGET_KIB)} **bundle < 2.0 MB gzip**: ${gzip.toFixed(1)} KiB = ${(gzip / 1024).toFixed(3)} MiB ` +
      `(${((gzip * 1024) / 1e6).toFixed(3)} MB decimal); MB counted as Cloudflare's limits and \`deploy build\` count it, 1024 × 1024 bytes.`,
  );
  const warm = get(A, "warmCpu");
  for (const peer of peers) {
    const theirs = get(peer, "warmCpu");
    out.push(`${verdict(warm < theirs)} **warm CPU per tools/call below ${peer.name}'s**: ${format(warm, 2)} ms vs ${format(theirs, 2)} ms (${ratio(warm, theirs)}).`);
  }
  const first = get(A, "firstInitCpu");
  const firstSched = get(A, "firstInitSched");
  const firstCall = get(A, "firstCallSched");
  out.push(
    `${verdict(first < 20)} **first request after startup < 20 ms CPU**: \`initialize\` ${format(first, 0)} ms (utime+stime; scheduler: ${format(firstSched, 1)} ms); ` +
      `the first \`tools/call\` after it: ${format(firstCall, 1)} ms (scheduler).`,
  );
  const startupWall = get(A, "startupWall");
  const startupCpu = get(A, "startupCpu");
  const startupMain = get(A, "startupMain");
  out.push(
    `${verdict(startupWall < 400 && startupCpu < 400)} **startup < 400 ms**: listening → first answer ${format(startupWall, 0)} ms wall; ` +
      `startup CPU ${format(startupCpu, 0)} ms (all threads), ${format(startupMain, 0)} ms main thread.`,
  );
  const cold = get(A, "cold");
  for (const peer of peers) {
    const theirs = get(peer, "cold");
    out.push(`${verdict(cold <= 2 * theirs)} **spawn → first answer within 2× ${peer.name}'s**: ${format(cold, 0)} ms vs ${format(theirs, 0)} ms (${ratio(cold, theirs)}).`);
  }
  return out;
}

/** The start-up image's targets: spawn → first answer below the agents Worker's, and the first request under 10 ms CPU. */
function startupImageTargets(byKey, figure) {
  const get = (worker, id) => figure(ROWS.find((r) => r.id === id), worker);
  const peer = byKey.D ?? byKey.B;
  const out = [];
  for (const [key, booted] of [["S", "A"], ["M", "N"]]) {
    const worker = byKey[key];
    if (!worker) continue;
    const cold = get(worker, "cold");
    const bootedCold = byKey[booted] ? ` (booted, ${booted}: ${format(get(byKey[booted], "cold"), 0)} ms)` : "";
    if (peer) {
      const theirs = get(peer, "cold");
      out.push(`${verdict(cold < theirs)} **${worker.name}: spawn → first answer below ${peer.name}'s**: ${format(cold, 0)} ms vs ${format(theirs, 0)} ms (${ratio(cold, theirs)})${bootedCold}.`);
      const compiled = get(worker, "coldCompiled");
      const theirsCompiled = get(peer, "coldCompiled");
      out.push(`${verdict(compiled < theirsCompiled)} **${worker.name}: the same, compiled config**: ${format(compiled, 0)} ms vs ${format(theirsCompiled, 0)} ms (${ratio(compiled, theirsCompiled)}).`);
    }
    const first = get(worker, "firstInitSched");
    out.push(`${verdict(first < 10)} **${worker.name}: first request under 10 ms CPU**: \`initialize\` ${format(first, 1)} ms (scheduler, all threads).`);
  }
  return out;
}

function verdict(met) {
  return met ? "met:" : "**not met**:";
}

function format(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : "–";
}
