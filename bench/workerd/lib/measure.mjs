// One round of one worker: a cold run (request sent the moment workerd listens) and a measured run (startup left to
// finish, then the first requests, warm sequential calls, load at N concurrent, memory). Each on a fresh workerd.
import { setTimeout as sleep } from "node:timers/promises";
import { McpClient } from "./mcp-client.mjs";
import { percentile } from "./stats.mjs";
import { Workerd, freePort } from "./workerd.mjs";

/**
 * Spawn → listening, and spawn → first `initialize` answered with the request sent as soon as the socket accepts; then
 * a `tools/call` to check the Worker answers (toolCall false: a Worker whose tools need bindings raw workerd lacks).
 */
export async function coldRun({ binary, config, label, toolCall = true }) {
  const workerd = new Workerd({ binary, config, port: await freePort() });
  const client = new McpClient({ port: workerd.port, timeoutMs: 60_000 });
  const failures = [];
  try {
    const listenMs = await workerd.waitListening();
    const init = await client.initialize();
    const coldMs = workerd.elapsed();
    const coldCpuMs = workerd.cpuMs();
    if (!init.ok) failures.push(`cold initialize: ${init.error}`);
    if (toolCall) {
      const echo = await client.echo(`cold ${label}`);
      if (!echo.ok) failures.push(`cold tools/call: ${echo.error}`);
    }
    return { listenMs, coldMs, coldCpuMs, failures };
  } catch (e) {
    return { failures: [...failures, String(e.message ?? e)] };
  } finally {
    client.close();
    await workerd.stop();
  }
}

/**
 * Startup left to settle, then: the first `initialize` and the first `tools/call` (CPU sampled just before and after
 * each), `calls` sequential warm calls after a warm-up, load at `concurrency` for `duration` seconds after `warmup`
 * seconds, and memory at the end. startupOnly: stop after the first `initialize`.
 */
export async function measuredRun({ binary, config, label, startupOnly = false, calls, concurrency, warmupSeconds, durationSeconds }) {
  const workerd = new Workerd({ binary, config, port: await freePort() });
  const client = new McpClient({ port: workerd.port, timeoutMs: 60_000 });
  const load = new McpClient({ port: workerd.port, connections: concurrency, timeoutMs: 30_000 });
  const result = { failures: [] };
  let unique = 0;
  const message = () => `${label}-${++unique}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    result.listenMs = await workerd.waitListening();
    result.quietMs = await workerd.waitQuiet();
    result.startupCpuMs = workerd.cpuMs();
    result.startupMainMs = workerd.schedCpuMs().main;
    result.startupRssMiB = workerd.memoryMiB().rss;

    const first = await sampled(workerd, () => client.initialize());
    result.firstInitMs = first.answer.ms;
    result.firstInitCpuMs = first.cpuMs;
    result.firstInitSchedMs = first.schedMs;
    if (!first.answer.ok) result.failures.push(`first initialize: ${first.answer.error}`);
    if (startupOnly) return result;

    const call = await sampled(workerd, () => client.echo(message()));
    result.firstCallMs = call.answer.ms;
    result.firstCallCpuMs = call.cpuMs;
    result.firstCallSchedMs = call.schedMs;
    if (!call.answer.ok) result.failures.push(`first tools/call: ${call.answer.error}`);
    if (result.failures.length > 0) return result;

    // Warm, sequential: a warm-up, then `calls` calls timed one by one and CPU over all of them.
    for (let i = 0; i < Math.min(200, calls); i++) await client.echo(message());
    const latencies = [];
    let wrong = 0;
    const cpu0 = workerd.cpuMs();
    const sched0 = workerd.schedCpuMs().all;
    for (let i = 0; i < calls; i++) {
      const answer = await client.echo(message());
      latencies.push(answer.ms);
      if (!answer.ok && wrong++ === 0) result.failures.push(`warm tools/call: ${answer.error}`);
    }
    result.warmCpuPerCallMs = (workerd.cpuMs() - cpu0) / calls;
    result.warmSchedPerCallMs = (workerd.schedCpuMs().all - sched0) / calls;
    result.warmP50Ms = percentile(latencies, 50);
    result.warmP99Ms = percentile(latencies, 99);
    result.warmFailures = wrong;

    // Load: `concurrency` closed loops, each one request in flight on its own keep-alive connection.
    load.sessionId = client.sessionId;
    await closedLoop(load, concurrency, warmupSeconds * 1000, message);
    const loadCpu0 = workerd.cpuMs();
    const measured = await closedLoop(load, concurrency, durationSeconds * 1000, message);
    const loadCpuMs = workerd.cpuMs() - loadCpu0;
    result.rps = measured.ok / (measured.elapsedMs / 1000);
    result.loadCpuPerCallMs = measured.ok > 0 ? loadCpuMs / measured.ok : NaN;
    result.loadCores = loadCpuMs / measured.elapsedMs;
    result.loadP50Ms = percentile(measured.latencies, 50);
    result.loadP99Ms = percentile(measured.latencies, 99);
    result.loadFailures = measured.failures;
    if (measured.firstFailure) result.failures.push(`tools/call under load: ${measured.firstFailure}`);

    const memory = workerd.memoryMiB();
    result.rssMiB = memory.rss;
    result.peakRssMiB = memory.peak;
    return result;
  } catch (e) {
    result.failures.push(String(e.message ?? e));
    return result;
  } finally {
    client.close();
    load.close();
    await workerd.stop();
    result.output = workerd.output;
  }
}

/** One request with the process's CPU read just before and just after it: utime+stime (10 ms ticks) and the scheduler's. */
async function sampled(workerd, request) {
  const cpu0 = workerd.cpuMs();
  const sched0 = workerd.schedCpuMs().all;
  const answer = await request();
  return { answer, cpuMs: workerd.cpuMs() - cpu0, schedMs: workerd.schedCpuMs().all - sched0 };
}

async function closedLoop(client, concurrency, durationMs, message) {
  const started = performance.now();
  const deadline = started + durationMs;
  const stats = { ok: 0, failures: 0, firstFailure: null, latencies: [] };
  const loop = async () => {
    while (performance.now() < deadline) {
      const answer = await client.echo(message());
      if (answer.ok) {
        stats.ok++;
        stats.latencies.push(answer.ms);
      } else {
        stats.failures++;
        stats.firstFailure ??= answer.error;
        await sleep(1); // a refusing server must not turn the loop into a busy spin
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { ...stats, elapsedMs: performance.now() - started };
}
