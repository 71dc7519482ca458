// Timers for .NET inside workerd.
//
// workerd ties every setTimeout to the request that armed it and drops it when that request ends; .NET keeps
// "already scheduled" flags for its work pump and timers, so one dropped timer hangs every later async call.
// So every timer lives in a table, and pending ones are re-armed in the context of whichever request is running:
// at the start of each request, and every few ms while a request waits on .NET (awaitDotnet). A generation number
// makes a stale arming a no-op, so no timer ever fires twice (a double fire pops emscripten's keep-alive count to
// zero and the runtime exits).
//
// In global scope (startup) no timer may be armed at all: setTimeout only queues, and runStartup() plays the queue
// in virtual time from a microtask loop, the only loop workerd allows there.

const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);
const timers = new Map();
let nextId = 1;
let virtualNow = 0;
let startupState = { active: false };

/** Longer timers are not played during startup; they become real timers at the first request. */
const STARTUP_MAX_DELAY_MS = 100;
/** Microtask turns given to pending promise chains between two startup timers. */
const STARTUP_HOPS = 32;
/** How often a request waiting on .NET re-arms overdue timers into its own context. */
const WATCHDOG_MS = 2;

function arm(id, timer) {
  const generation = ++timer.generation;
  try {
    timer.handle = realSetTimeout(() => {
      if (timers.get(id) !== timer || timer.generation !== generation) return;
      timers.delete(id);
      timer.fn(...timer.args);
    }, Math.max(0, timer.due - Date.now()));
  } catch {
    // Outside any request (a FinalizationRegistry callback that lets .NET release an object, for one) workerd refuses
    // timers: the timer stays in the table, and the next request, or a waiting one's watchdog, arms it.
    timer.handle = null;
  }
}

export function installTimers(startup) {
  startupState = startup;
  globalThis.setTimeout = (fn, ms = 0, ...args) => {
    const id = nextId++;
    const delay = Number(ms) || 0;
    if (startupState.active) {
      timers.set(id, { fn, args, delay, due: virtualNow + delay, handle: null, generation: 0, queued: true });
      return id;
    }
    const timer = { fn, args, delay, due: Date.now() + delay, handle: null, generation: 0, queued: false };
    timers.set(id, timer);
    arm(id, timer);
    return id;
  };
  globalThis.clearTimeout = (id) => {
    const timer = timers.get(id);
    if (!timer) return;
    timers.delete(id);
    if (timer.handle !== null) {
      try { realClearTimeout(timer.handle); } catch { /* armed by another request */ }
    }
  };
}

/** Re-arms pending timers in the current request's context (all of them, or only the overdue ones). */
export function rearmTimers(onlyOverdue = false) {
  const now = Date.now();
  for (const [id, timer] of timers) {
    if (timer.queued) {
      timer.queued = false;
      timer.due = now + Math.max(0, timer.due - virtualNow);
    }
    if (onlyOverdue && timer.due > now) continue;
    if (timer.handle !== null) {
      try { realClearTimeout(timer.handle); } catch { /* armed by another request */ }
    }
    arm(id, timer);
  }
}

/**
 * Awaits a promise from .NET while keeping .NET's timers alive in this request, and runs the work .NET posts to the
 * request's inbox (inbox.mjs: its sockets) in this request's context.
 */
export async function awaitDotnet(promise, inbox) {
  if (startupState.active) return promise; // runStartup() plays the timers; none may be armed in global scope
  let done = false;
  const guarded = promise.finally(() => { done = true; });
  const settled = guarded.catch(() => {});
  // One watchdog at a time: a loop woken by its inbox thousands of times (a streamed body, chunk by chunk) would
  // otherwise leave a timer behind at each turn, and workerd allows a request 10,000 of them.
  let watchdog = null;
  if (inbox) inbox.loops++;
  try {
    while (!done) {
      watchdog ??= new Promise((resolve) => realSetTimeout(() => { watchdog = null; resolve(); }, WATCHDOG_MS));
      const waits = [settled, watchdog];
      if (inbox) waits.push(inbox.posted());
      await Promise.race(waits);
      inbox?.run();
      if (!done) rearmTimers(true);
    }
  } finally {
    if (inbox) inbox.loops--;
  }
  inbox?.run(); // a close posted as .NET finished
  return guarded;
}

/** Drives startup work (the boot promise) in global scope: microtask turns, then the earliest short timer, repeat. */
export async function runStartup(promise) {
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  for (let idle = 0; ; ) {
    for (let i = 0; i < STARTUP_HOPS; i++) await null;
    let next = null;
    for (const entry of timers) {
      const timer = entry[1];
      if (timer.queued && timer.delay <= STARTUP_MAX_DELAY_MS && (next === null || timer.due < next[1].due)) next = entry;
    }
    if (next !== null) {
      const [id, timer] = next;
      timers.delete(id);
      virtualNow = Math.max(virtualNow, timer.due);
      idle = 0;
      timer.fn(...timer.args);
      continue;
    }
    if (settled) return promise;
    if (++idle > 5000) throw new Error("pmcp: .NET startup is waiting on something other than a timer (I/O is not allowed at startup)");
  }
}

export function pendingTimerCount() {
  return timers.size;
}
