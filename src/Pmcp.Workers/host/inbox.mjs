// Work that must run in one request's context.
//
// workerd ties I/O objects (a socket from connect(), its streams) to the request that created them, and using one
// from another request's context throws. .NET, though, is one event loop for the whole isolate: a continuation of
// request A can run inside a timer that request B armed (timers.mjs). So operations on A's sockets are posted to
// A's inbox, and A's own loop (awaitDotnet, which runs in A's context for as long as A's .NET work lasts) runs them.
// Posting wakes that loop at once; a wake-up from B's context is delivered in A's context by workerd
// (handle_cross_request_promise_resolution, on since 2024-10-14), and the loop's 2 ms watchdog is the fallback.
export class Inbox {
  #work = [];
  #waiters = [];
  /** How many loops (awaitDotnet) run this inbox now: work posted while none does would wait forever. */
  loops = 0;

  /** Queues fn to run in the owner's context; it must not throw (it reports its own outcome). */
  post(fn) {
    this.#work.push(fn);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves when work is waiting (at once if some already is). */
  posted() {
    if (this.#work.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Runs everything posted so far; call it only from the owner's context. */
  run() {
    for (const fn of this.#work.splice(0)) {
      try {
        fn();
      } catch (e) {
        console.error("pmcp: a request's queued operation failed:", e?.stack ?? String(e));
      }
    }
  }
}

/** An operation's outcome that carries bytes for .NET: they cross with the completion (WorkerExports.OperationDelivered). */
export class Delivery {
  /** @param {Uint8Array} bytes @param {number} value */
  constructor(bytes, value) {
    this.bytes = bytes;
    this.value = value;
  }
}

/** What an operation returns to hand .NET bytes (a read's chunk, a binding's result) and a number beside them. */
export function deliver(bytes, value = 0) {
  return new Delivery(bytes, value);
}

/**
 * The submit function of an operation family (sockets.mjs, r2streams.mjs): .NET submits synchronously and learns the
 * outcome through complete(operation, error, value, bytes), called from the owning request's context; bytes is
 * undefined unless the work returned a Delivery. Returns null, or <ended> when the request is gone. <failure> words
 * an error that has no message.
 */
export function submitter(requests, complete, ended, failure) {
  return function submit(requestId, operation, work) {
    const request = requests.get(requestId);
    if (!request) return ended;
    request.inbox.post(() => {
      let running;
      try {
        running = Promise.resolve(work(request));
      } catch (e) {
        running = Promise.reject(e);
      }
      running.then(
        (value) => (value instanceof Delivery ? complete(operation, null, value.value, value.bytes) : complete(operation, null, value ?? 0)),
        (e) => complete(operation, String(e?.message ?? e) || failure, 0),
      );
    });
    return null;
  };
}
