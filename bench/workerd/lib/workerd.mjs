// One workerd process: spawned on a config, timed to its listening socket, and read from /proc (CPU, memory).
// ProcessProbe is the /proc part alone, for a workerd that another program started (miniflare's).
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux architecture. */
const TICKS_PER_SECOND = 100;

/** A running process, read from /proc: CPU (utime+stime, and the scheduler's clock per thread), memory, quiet. */
export class ProcessProbe {
  /** `startedAt` (performance.now()) is where elapsed() counts from. */
  constructor(pid, startedAt = performance.now()) {
    this.pid = pid;
    this.spawnedAt = startedAt;
  }

  /** Milliseconds since the spawn. */
  elapsed() {
    return performance.now() - this.spawnedAt;
  }

  /** utime + stime of the whole process (all threads), in ms: what `ps` and billing-by-process see. 10 ms resolution. */
  cpuMs() {
    const stat = fs.readFileSync(`/proc/${this.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  }

  /**
   * CPU time from the scheduler (/proc/<pid>/task/<tid>/schedstat, nanoseconds), in ms, for the main thread (where
   * the isolate runs JavaScript and wasm) and for all live threads (V8's background compilers and GC included).
   * Precise to far below a tick, but blind to threads that have already exited.
   */
  schedCpuMs() {
    let all = 0;
    let main = 0;
    for (const tid of fs.readdirSync(`/proc/${this.pid}/task`)) {
      let ns;
      try {
        ns = Number(fs.readFileSync(`/proc/${this.pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        continue; // the thread ended meanwhile
      }
      all += ns;
      if (Number(tid) === this.pid) main += ns;
    }
    return { all: all / 1e6, main: main / 1e6 };
  }

  /** Resident set size now (VmRSS) and its high-water mark (VmHWM), in MiB. */
  memoryMiB() {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
    const read = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
    return { rss: read("VmRSS"), peak: read("VmHWM") };
  }

  /**
   * Waits until the process stops using CPU (startup finished, background compilation done): less than `quietMs`
   * of CPU over each `windowMs`, checked every 50 ms, at most `timeoutMs`. Returns spawn → quiet in ms.
   */
  async waitQuiet({ windowMs = 300, quietMs = 3, timeoutMs = 10_000 } = {}) {
    const samples = [];
    for (;;) {
      const now = this.elapsed();
      samples.push({ t: now, cpu: this.schedCpuMs().all });
      while (samples.length > 1 && now - samples[1].t >= windowMs) samples.shift();
      if (now - samples[0].t >= windowMs && samples.at(-1).cpu - samples[0].cpu < quietMs) return now;
      if (now > timeoutMs) return now;
      await sleep(50);
    }
  }
}

export class Workerd extends ProcessProbe {
  /**
   * Spawns `workerd serve CONFIG` (or, config null, a binary made by `workerd compile`) with its socket on
   * 127.0.0.1:PORT; the clock starts just before the spawn.
   */
  constructor({ binary, config, port }) {
    const spawnedAt = performance.now();
    const socket = `--socket-addr=http=127.0.0.1:${port}`;
    const child = spawn(binary, config ? ["serve", config, socket] : [socket], { stdio: ["ignore", "pipe", "pipe"] });
    super(child.pid, spawnedAt);
    this.child = child;
    this.port = port;
    this.output = "";
    this.exitCode = undefined;
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (d) => {
        if (this.output.length < 64 * 1024) this.output += d;
      });
    }
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve((this.exitCode = code ?? signal))));
  }

  /** Waits until the socket accepts a connection; returns spawn → listening in ms. */
  async waitListening(timeoutMs = 30_000) {
    while (!(await canConnect(this.port))) {
      if (this.exitCode !== undefined) throw new Error(`workerd exited (${this.exitCode}) before listening:\n${this.output}`);
      if (this.elapsed() > timeoutMs) throw new Error(`workerd did not listen within ${timeoutMs} ms:\n${this.output}`);
      await sleep(1);
    }
    return this.elapsed();
  }

  async stop() {
    if (this.exitCode === undefined) {
      this.child.kill("SIGTERM");
      const killed = await Promise.race([this.exited.then(() => true), sleep(5000).then(() => false)]);
      if (!killed) this.child.kill("SIGKILL");
    }
    await this.exited;
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
