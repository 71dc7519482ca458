// Boots .NET (browser-wasm, Mono interpreter) inside workerd and bridges fetch to C#.
//
// Boot happens in global scope, while the Worker's module is evaluated: workerd allows top-level await, microtasks
// and instantiating a precompiled wasm module there, and a request that arrives during startup simply waits.
// A warm-up request then runs the MCP request path once, so the first real request costs about what a warm one does.
//
// With an image (snapshot.mjs: taken at build time from this bundle, booted once) the boot is replaced by a restore
// of the booted runtime's memory; the warm-up still runs, because V8 compiles wasm lazily and the image cannot hold
// that. An image taken from other inputs is not used: the Worker boots normally and says why in its log.
import { restoreProcess, startup } from "./prelude.mjs";
import { awaitDotnet, rearmTimers, runStartup, pendingTimerCount } from "./timers.mjs";
import { bindingImports, copyView } from "./bindings.mjs";
import { socketImports } from "./sockets.mjs";
import { r2StreamImports } from "./r2streams.mjs";
import { cryptoImports } from "./crypto.mjs";
import { fetchImports, routeRuntimeHttp } from "./fetch.mjs";
import { webSocketImports } from "./websockets.mjs";
import { adopt, closeCodeToSend, hibernationImports, objectSockets } from "./hibernation.mjs";
import { deliver, submitter } from "./inbox.mjs";
import { RequestState } from "./request-state.mjs";
import { imageSupport } from "./snapshot.mjs";

/** Why an operation of a request that has ended fails: what it opened is released with the request. */
const REQUEST_ENDED = "the request that started this operation has ended (workerd ties a request's I/O to that request)";

/** How much of a streamed body may wait in the isolate for a slow client before .NET stops making more. */
const STREAM_BUFFER_BYTES = 1 << 20;

/**
 * The largest request body the host reads into the isolate, unless the var PMCP_MAX_BODY_BYTES says otherwise: the MCP
 * endpoint's own limit. An isolate has 128 MB and wasm memory never shrinks, so a body is refused before it is read
 * when its Content-Length is over the limit, and while it is read when it grows past it.
 */
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The most request-body bytes the isolate holds at once, over all requests: past it a request waits its turn as a 503
 * (a body larger than this is still admitted when it is alone). One body at the default 4 MiB limit and 2 MiB of
 * others: each body costs its .NET side about seven times its size (the bytes, the strings read from them, the answer
 * as it is written and as it is sent), and the WebAssembly memory never shrinks. With room for two 4 MiB bodies the
 * isolate needed 88 MiB, and under load one step more: emscripten grows the memory by a fifth (to 106 MiB).
 */
const MAX_BODY_BYTES_IN_FLIGHT = 6 * 1024 * 1024;

/**
 * A body whose Content-Length is at most this is read before .NET is called, so that the usual MCP request crosses
 * into .NET once. A larger one, or one of unknown length, stays in workerd until the Worker reads it (requestBody),
 * after the checks that need no body (path, method, Host, Origin, key): a refused request costs no memory.
 */
const EAGER_BODY_BYTES = 64 * 1024;

/**
 * The runtime's GC past a 24 MiB heap collects after a few nurseries of growth instead of letting garbage pile up: the
 * WebAssembly memory never shrinks, so garbage left between large requests became isolate memory for good (4 MiB
 * bodies took it past 96 MiB without this, 88 MiB with it: IsolateMemoryTests).
 */
const GC_PARAMS = "soft-heap-limit=24m";

const JITERPRETER_OFF = [
  // The jiterpreter compiles wasm at run time; workerd forbids that during requests.
  "--no-jiterpreter-traces-enabled",
  "--no-jiterpreter-interp-entry-enabled",
  "--no-jiterpreter-jit-call-enabled",
];

/**
 * @param {object} assets what the generated shim.mjs imports: dotnet (loader), runtime and native (the runtime's JS
 *   modules), nativeWasm (dotnet.native.wasm as a compiled WebAssembly.Module), assemblies ({ name: ArrayBuffer }),
 *   hostHash (host.gen.mjs: the SHA-256 of these host files) and image ({ meta, data }: the start-up image,
 *   snapshot.mjs) or null.
 * @param {{ record?: boolean }} options record: boot normally and keep what captureImage() needs (record.mjs).
 */
export async function createWorker(assets, options = {}) {
  /** @type {Map<number, RequestState>} the requests .NET is serving (or whose WaitUntil work still runs), by id. */
  const requests = new Map();
  const images = imageSupport(assets, options.record === true);
  let api = null;
  let nextRequestId = 1;
  let entry = null;
  let bootError = null;
  // How an operation .NET started (a socket's, an R2 stream's, a streamed body's drain) reports its outcome.
  const completeOperation = (operation, error, value, bytes) =>
    bytes === undefined ? entry.OperationDone(operation, error, value) : entry.OperationDelivered(operation, value, bytes);
  const submitStream = submitter(requests, completeOperation, "the request has ended", "the response stream failed");
  const submitBody = submitter(requests, completeOperation, "the request has ended", "reading the request body failed");
  let nextObjectInstance = 1;
  // When workerd lets a Durable Object go, its C# instance goes too (WorkerExports.ObjectReleased: no I/O, any context).
  const objectInstances = new FinalizationRegistry((instance) => {
    liveObjects.delete(instance);
    entry?.ObjectReleased(instance);
  });
  /** The live Durable Objects' records (durableObjectClass), by instance: their sockets, for hibernation.mjs. */
  const liveObjects = new Map();
  /** Request-body bytes the isolate holds or is reading, over all requests (MAX_BODY_BYTES_IN_FLIGHT). */
  let bodyBytesInFlight = 0;

  const hostModule = {
    envGet(requestId, name) {
      const value = requests.get(requestId)?.env?.[name];
      return typeof value === "string" ? value : null;
    },
    /** The whole response, and the request's end: a plain request's only crossing back. */
    respond(requestId, head, body) {
      const bytes = copyView(body); // the view points into .NET memory, valid only during this call
      const pending = requests.get(requestId);
      if (pending) {
        pending.head = head;
        pending.body = bytes;
        pending.finished();
      }
    },
    /** The request ended without respond or streamEnd: its answer failed in .NET, or its WebSocket handler returned. */
    done(requestId) {
      requests.get(requestId)?.finished();
    },
    /**
     * Reads a body left in workerd (handle) once the Worker asks, in its request's context. The outcome: the body
     * delivered, 0 when empty, -1 past the limit (the rest is never read).
     */
    requestBody(requestId, operation) {
      return submitBody(requestId, operation, async (request) => {
        const waiting = request.requestBody;
        request.requestBody = null;
        if (waiting === null) return 0;
        const body = await readBody(waiting.stream, waiting.limit);
        if (body === null) return -1;
        return body.byteLength === 0 ? 0 : deliver(body);
      });
    },
    streamStart(requestId, head) {
      const pending = requests.get(requestId);
      if (!pending) return;
      // Up to STREAM_BUFFER_BYTES wait in the isolate for a slow client; past that .NET waits (streamWrite).
      const { readable, writable } = new TransformStream(undefined, new ByteLengthQueuingStrategy({ highWaterMark: STREAM_BUFFER_BYTES }));
      pending.head = head;
      pending.body = readable;
      pending.writer = writable.getWriter();
      // The client going away cancels the readable side, which errors the writer: the handler's token fires.
      pending.writer.closed.catch(() => pending.clientGone?.());
      pending.headReady();
    },
    /**
     * Queues a chunk of the body. Returns true when the client is behind (the stream's queue is full) or gone: .NET
     * then waits with streamDrain before it makes the next chunk, so a slow reader never makes the isolate hold the
     * whole body.
     */
    streamWrite(requestId, chunk) {
      const bytes = copyView(chunk);
      const writer = requests.get(requestId)?.writer;
      if (!writer) return false;
      // A failed write (the client went away) must not fail .NET's loop: streamDrain tells it to stop.
      writer.write(bytes).catch(() => {});
      return writer.desiredSize === null || writer.desiredSize <= 0;
    },
    /** Completes with 0 once the client has taken enough to write again, or 1 when it has gone. */
    streamDrain(requestId, operation) {
      return submitStream(requestId, operation, async (request) => {
        try {
          await request.writer.ready;
          return 0;
        } catch {
          return 1;
        }
      });
    },
    /** Ends the streamed body (aborts it when error is set) and the request. */
    streamEnd(requestId, error) {
      const pending = requests.get(requestId);
      if (!pending) return;
      const writer = pending.writer;
      if (writer) (error ? writer.abort(new Error(error)) : writer.close()).catch(() => {});
      pending.finished();
    },
    waitUntil(requestId, promise) {
      const pending = requests.get(requestId);
      if (!pending?.ctx) return;
      // Work after the response may still use the request's bindings: keep its env until that work ends too.
      pending.holds++;
      pending.ctx.waitUntil(awaitDotnet(promise, pending.inbox).finally(() => release(requestId, pending)));
    },
    /** For tests and benchmarks (tests/Workers/BindingsWorker's GET /memory): see stats().wasmMemoryBytes. */
    wasmMemoryBytes: () => wasmMemoryBytes(),
    /**
     * A console line of .NET's, written in the context of the request it belongs to (requestId; 0 for none), so that
     * wrangler tail and Workers Logs show it with that request, not with whichever request's timer ran the code. The
     * request's own loop writes it (at once when .NET is already running in that loop; at the latest as .NET ends the
     * request); a request already gone, or none, writes it here.
     */
    log(level, message, requestId) {
      const pending = requestId ? requests.get(requestId) : undefined;
      if (pending && pending.inbox.loops > 0) pending.inbox.post(() => writeConsole(level, message));
      else writeConsole(level, message);
    },
    ...bindingImports(requests, completeOperation),
    ...socketImports(requests, completeOperation),
    ...r2StreamImports(requests, completeOperation),
    ...cryptoImports(),
    ...fetchImports(requests, completeOperation),
    ...webSocketImports(requests, completeOperation),
    ...hibernationImports(requests, completeOperation, liveObjects),
  };

  function writeConsole(level, message) {
    if (level >= 2) console.error(message);
    else if (level === 1) console.warn(message);
    else console.log(message);
  }

  /** The byte length of the runtime's linear memory now (0 before .NET has started). */
  function wasmMemoryBytes() {
    return api?.localHeapViewU8().buffer.byteLength ?? 0;
  }

  function release(id, pending) {
    if (--pending.holds > 0) return;
    requests.delete(id);
    pending.close(new Error(REQUEST_ENDED));
  }

  const runtimeOptions = { runtimeOptions: JITERPRETER_OFF, exitOnUnhandledError: false, environmentVariables: { TZ: "UTC", MONO_GC_PARAMS: GC_PARAMS } };

  async function boot() {
    api = await assets.dotnet
      .withModuleConfig({
        onConfigLoaded: (config) => {
          images.decide(config, runtimeOptions);
          wireAssets(config, assets, images.state.mode === "restore");
        },
      })
      // TZ=UTC: without a zone .NET asks Intl.DateTimeFormat() at startup, which costs ~25 ms in workerd.
      .withConfig(runtimeOptions)
      .create();
    api.setModuleImports("pmcp-host", hostModule);
    // `new HttpClient()`: .NET's own handler fetches in the calling request's context too (fetch.mjs).
    routeRuntimeHttp(api.INTERNAL, requests, () => entry?.CurrentRequestId() ?? 0, () => api.localHeapViewU8());
    if (images.state.mode === "restore") {
      // .NET's Main ran and its exports were bound before the image was taken; only their JS halves are missing.
      images.replay(api);
    } else {
      if (images.state.rejected) console.warn(`pmcp: not using the start-up image: ${images.state.rejected}. Booting .NET instead (slower start); rebuild with dotnet pmcp deploy build.`);
      if (options.record) images.recordExports(api);
      await api.runMain();
    }
    const exports = await api.getAssemblyExports("Pmcp.Workers.dll");
    entry = exports.Pmcp.Workers.Interop.WorkerExports;
    await entry.WarmUpAsync();
    await warmUp();
    // No duration: workerd's clocks do not advance while the global scope runs (stats() has it where they do).
    if (images.state.mode === "restore") console.log(`pmcp: started from the start-up image (${(assets.image.data.byteLength / 1048576).toFixed(1)} MB restored)`);
  }

  /** Runs the request path once (health, MCP initialize and tools/list): no user tool is called. */
  async function warmUp() {
    const headers = ["content-type", "application/json", "accept", "application/json, text/event-stream", "host", "localhost"];
    const encoder = new TextEncoder();
    await invoke("GET", "http://localhost/health", ["host", "localhost"], new Uint8Array(0), {}, null, null, true);
    for (const body of [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "pmcp-warmup", version: "1" } } },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
    ]) {
      await invoke("POST", "http://localhost/mcp", headers, encoder.encode(JSON.stringify(body)), {}, null, null, true);
    }
  }

  /** object: the Durable Object this request is an event of ({ className, state, instance, id, name }), or null. */
  async function handle(request, env, ctx, object = null, alarmRetry = -1) {
    const headers = [];
    for (const [name, value] of request.headers) headers.push(name, value);
    // Aborts when the client goes away: on by default since compatibility date 2026-11-17, with the flag
    // enable_request_signal before (without either it never fires, and a streamed body's cancel still tells).
    const signal = request.signal ?? null;
    if (request.method === "GET" || request.method === "HEAD" || request.body === null) {
      return toResponse(await invoke(request.method, request.url, headers, EMPTY_BODY, env, ctx, signal, false, null, object, alarmRetry));
    }
    const limit = bodyLimit(env);
    const declared = Number(request.headers.get("content-length") ?? NaN);
    if (declared > limit) return tooLarge(limit);
    // The body's room is reserved as the request arrives, so that a burst of large requests is refused (503) before
    // any of them reaches .NET; a request refused on its headers holds it only until it is answered.
    const reserved = Number.isFinite(declared) ? declared : limit;
    if (bodyBytesInFlight + reserved > MAX_BODY_BYTES_IN_FLIGHT && bodyBytesInFlight > 0) return busy();
    bodyBytesInFlight += reserved;
    try {
      if (declared <= EAGER_BODY_BYTES) {
        const body = await readBody(request.body, limit);
        if (body === null) return tooLarge(limit);
        return toResponse(await invoke(request.method, request.url, headers, body, env, ctx, signal, false, null, object, alarmRetry));
      }
      // Left in workerd until the Worker reads it (requestBody).
      return toResponse(await invoke(request.method, request.url, headers, null, env, ctx, signal, false, { stream: request.body, limit }, object, alarmRetry));
    } finally {
      bodyBytesInFlight -= reserved;
    }
  }

  /**
   * Runs one request in .NET. A plain response is complete when .NET's task ends; a streamed one (server-sent
   * events) is answered as soon as its head is known, and .NET keeps writing the body while the client reads it.
   * When the client goes away (signal, or a streamed body's reader cancelled), .NET's Request.Aborted fires.
   * warmUp: a start-up request, without the Worker's env (the MCP endpoint reads its settings only from a real one).
   * body null: the body waits in workerd (requestBody reads waiting.stream).
   */
  async function invoke(method, url, headers, body, env, ctx, signal = null, warmUp = false, waiting = null, object = null, alarmRetry = -1, socketEvent = null) {
    const id = nextRequestId++;
    let headReady;
    const streamed = new Promise((resolve) => { headReady = resolve; });
    let finished;
    const ended = new Promise((resolve) => { finished = resolve; });
    const pending = new RequestState(env, ctx, headReady, finished);
    pending.requestBody = waiting;
    pending.object = object;
    requests.set(id, pending);
    // Called from the signal's or the stream's own callback, so in this request's context; not through the inbox,
    // whose loop workerd may have stopped with the request. A no-op once .NET has finished the request.
    pending.clientGone = () => {
      pending.clientGone = null;
      if (requests.get(id) === pending) entry.Abort(id);
    };
    signal?.addEventListener("abort", () => pending.clientGone?.(), { once: true });
    // Fetch returns at once and calls done() when the request ends (see WorkerExports.Fetch for why not a Task).
    if (socketEvent) {
      const { kind, socket, code, reason, wasClean } = socketEvent;
      entry.ObjectWebSocketEvent(id, object.instance, object.className, object.id, object.name, kind, socket, code, reason, wasClean, body);
    } else if (object) entry.ObjectFetch(id, object.instance, object.className, object.id, object.name, alarmRetry, method, url, headers, body);
    else entry.Fetch(id, method, url, headers, body, warmUp);
    if (signal?.aborted) pending.clientGone?.();
    const work = awaitDotnet(ended, pending.inbox).finally(() => release(id, pending));
    await Promise.race([work, streamed]);
    if (pending.upgrade !== null) {
      // A WebSocket: answered with 101 now; the request lasts (held, its inbox running) until .NET's handler ends.
      const rest = work.catch((e) => console.error("pmcp: a WebSocket session failed:", e?.stack ?? String(e)));
      if (ctx) ctx.waitUntil(rest);
    } else if (pending.writer !== null) {
      const rest = work.catch((e) => console.error("pmcp: a streamed response failed:", e?.stack ?? String(e)));
      if (ctx) ctx.waitUntil(rest);
    } else {
      await work;
    }
    return pending;
  }

  try {
    await runStartup(boot());
  } catch (e) {
    // Keep the module loadable so that every request reports the failure instead of the Worker failing to deploy.
    bootError = e;
    console.error("pmcp: .NET failed to start:", e?.stack ?? String(e));
  } finally {
    startup.active = false;
    restoreProcess();
  }

  if (startup.randomDraws > 0) {
    console.warn(`pmcp: startup drew ${startup.randomDraws} random values from Math.random (${startup.randomBytes} bytes)`);
  }

  /**
   * The JS class workerd instantiates for the Durable Object class className (the bundle's shim.mjs exports it under
   * that name). Each event is a request of its own, in the object's own I/O context: fetch() goes through handle()
   * with the object attached to its RequestState, so the storage calls .NET makes while handling it ("do.*" in
   * bindings.mjs) run in that context, on that object's ctx.storage. A plain class (not cloudflare:workers'
   * DurableObject, which Node cannot import while the start-up image is recorded): workerd accepts both.
   */
  function durableObjectClass(className) {
    return class {
      constructor(state, env) {
        const instance = nextObjectInstance++;
        // sockets: the hibernatable WebSockets workerd kept for the object, adopted as it is constructed (hibernation.mjs).
        this.pmcp = { className, state, env, instance, id: state.id.toString(), name: state.id.name ?? null, blocks: new Map(), nextBlock: 1, sockets: objectSockets(state) };
        liveObjects.set(instance, this.pmcp);
        objectInstances.register(this, instance);
      }

      async fetch(request) {
        rearmTimers();
        if (bootError) return new Response("Internal Server Error: the .NET runtime failed to start; see the Worker's logs.", { status: 500 });
        try {
          return await handle(request, this.pmcp.env, this.pmcp.state, this.pmcp);
        } catch (e) {
          console.error(`pmcp: a ${className} Durable Object's request failed:`, e?.stack ?? String(e));
          return new Response("Internal Server Error", { status: 500 });
        }
      }

      // The hibernation API's events, each an event of its own in .NET (socketEvent).
      async webSocketMessage(ws, message) {
        const text = typeof message === "string";
        const bytes = text ? textEncoder.encode(message) : new Uint8Array(message);
        if (bytes.byteLength > MAX_OBJECT_MESSAGE_BYTES) {
          // Refused before it reaches .NET, whose WebAssembly memory never shrinks: closed with 1009, and an error event.
          try {
            ws.close(1009, "message too big");
          } catch {
            // Closed meanwhile.
          }
          await socketEvent(this.pmcp, ws, 4, EMPTY_BODY, 0, `a message of ${bytes.byteLength} bytes is over the limit of ${MAX_OBJECT_MESSAGE_BYTES}: the WebSocket was closed with 1009`);
          return;
        }
        await socketEvent(this.pmcp, ws, text ? 1 : 2, bytes);
      }

      async webSocketClose(ws, code, reason, wasClean) {
        await socketEvent(this.pmcp, ws, 3, EMPTY_BODY, code, reason ?? "", wasClean === true);
      }

      async webSocketError(ws, error) {
        await socketEvent(this.pmcp, ws, 4, EMPTY_BODY, 0, String(error?.message ?? error ?? "the WebSocket failed"));
      }

      /** The object's alarm, as an event of its own: .NET's AlarmAsync failing (a 500) throws here, and workerd retries. */
      async alarm(info) {
        rearmTimers();
        if (bootError) throw new Error("the .NET runtime failed to start; see the Worker's logs");
        const response = await handle(new Request("https://alarm.pmcp.invalid/", { method: "POST" }), this.pmcp.env, this.pmcp.state, this.pmcp, info?.retryCount ?? 0);
        if (response.status >= 500) throw new Error(`the ${className} Durable Object's AlarmAsync failed (see the log above); workerd runs it again`);
      }
    };
  }

  /**
   * A WebSocket event of the object (kind 1 text, 2 binary, 3 close, 4 error) as a request of its own, in the object's
   * context (workerd calls webSocketMessage and the others there). After a close or an error the socket leaves the
   * table once .NET's handler has run (it may still read the attachment), and a close is answered if .NET did not.
   * A handler that throws is logged by .NET; the socket and the object live on.
   */
  async function socketEvent(object, ws, kind, body, code = 0, reason = "", wasClean = false) {
    rearmTimers();
    if (bootError) return;
    const handle = adopt(object.sockets, ws, () => object.state.getTags(ws));
    const socket = object.sockets.byHandle.get(handle);
    if (kind >= 3) socket.closing = true;
    try {
      await invoke("POST", "https://websocket.pmcp.invalid/", [], body, object.env, object.state, null, false, null, object, -1, { kind, socket: handle, code, reason, wasClean });
    } catch (e) {
      console.error(`pmcp: a ${object.className} Durable Object's WebSocket event failed:`, e?.stack ?? String(e));
    }
    if (kind >= 3) {
      object.sockets.byHandle.delete(handle);
      if (kind === 3) {
        // Answers the client's close frame (a no-op, throwing, when workerd answered it already).
        try {
          ws.close(closeCodeToSend(code), reason);
        } catch {
          // Closed meanwhile.
        }
      }
    }
  }

  return {
    durableObjectClass,
    async fetch(request, env, ctx) {
      rearmTimers();
      if (bootError) return new Response("Internal Server Error: the .NET runtime failed to start; see the Worker's logs.", { status: 500 });
      try {
        return await handle(request, env, ctx);
      } catch (e) {
        console.error("pmcp: request failed:", e?.stack ?? String(e));
        return new Response("Internal Server Error", { status: 500 });
      }
    },
    /**
     * For tests and benchmarks: what startup did, and the isolate's memory. wasmMemoryBytes is the .NET runtime's
     * WebAssembly.Memory (linear memory: never shrinks, so it is also the peak); workerd offers no JS heap figure
     * (no performance.memory, process.memoryUsage or node:v8), so the process's RSS is the outer bound (docs/workerd.md).
     */
    stats() {
      return {
        wasmMemoryBytes: wasmMemoryBytes(),
        randomDraws: startup.randomDraws,
        randomBytes: startup.randomBytes,
        pendingTimers: pendingTimerCount(),
        start: images.state.mode === "restore" ? "image" : "boot",
        imageRejected: images.state.rejected,
        restoreMs: images.state.restoreMs,
      };
    },
    /**
     * For record.mjs: the image of this booted, warmed-up runtime; throws when it is not quiescent. First lets .NET
     * release what it no longer uses (WorkerExports.PrepareImage), running the work that schedules.
     */
    async captureImage() {
      if (bootError) throw bootError;
      const live = entry.PrepareImage();
      for (let i = 0; i < 20 && pendingTimerCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      return images.capture(api, pendingTimerCount(), live);
    },
  };
}

const EMPTY_BODY = new Uint8Array(0);

/**
 * The largest WebSocket message a Durable Object's .NET handler is given (the native host's limit too): workerd takes
 * larger ones, but each would be copied into the WebAssembly memory, which never shrinks.
 */
const MAX_OBJECT_MESSAGE_BYTES = 1024 * 1024;
const textEncoder = new TextEncoder();

function bodyLimit(env) {
  const configured = Number(env?.PMCP_MAX_BODY_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_BODY_BYTES;
}

/** Reads a request body into one array, or returns null as soon as it grows past limit (the rest is never read). */
async function readBody(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const only = chunks.length === 1 ? chunks[0] : null;
  if (only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength) return only;
  const body = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** The answer .NET's endpoint gives a body over its limit (a JSON-RPC error), given before the body reaches .NET. */
function tooLarge(limit) {
  const message = `Payload Too Large: the limit is ${limit} bytes (the Worker's var PMCP_MAX_BODY_BYTES)`;
  return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message } }, { status: 413 });
}

function busy() {
  return new Response("Service Unavailable: the Worker is reading other large request bodies; retry shortly.", { status: 503, headers: { "retry-after": "1" } });
}

function toResponse(pending) {
  if (pending.upgrade !== null) {
    const headers = pending.upgrade.protocol ? { "sec-websocket-protocol": pending.upgrade.protocol } : {};
    return new Response(null, { status: 101, webSocket: pending.upgrade.client, headers });
  }
  if (pending.head === null) throw new Error(".NET finished the request without a response");
  const parts = pending.head.split("\n");
  const headers = new Headers();
  for (let i = 1; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);
  const status = Number(parts[0]);
  if (pending.writer !== null) return new Response(pending.body, { status, headers });
  const hasBody = status !== 204 && status !== 304 && pending.body.length > 0;
  return new Response(hasBody ? pending.body : null, { status, headers });
}

/** Points the .NET loader at the bundled assets: nothing is downloaded and no wasm is compiled from bytes. */
function wireAssets(config, assets, restoring) {
  const resources = config.resources;
  for (const asset of resources.jsModuleRuntime) asset.moduleExports = assets.runtime;
  for (const asset of resources.jsModuleNative) asset.moduleExports = assets.native;
  for (const asset of resources.wasmNative) {
    const response = {
      ok: true,
      status: 200,
      url: asset.name,
      precompiled: assets.nativeWasm,
      headers: { get: (name) => (String(name).toLowerCase() === "content-type" ? "application/wasm" : null) },
      arrayBuffer: () => { throw new Error("dotnet.native.wasm is bundled precompiled"); },
    };
    asset.pendingDownload = { name: asset.name, url: asset.name, response: Promise.resolve(response) };
  }
  for (const asset of [...(resources.coreAssembly ?? []), ...(resources.assembly ?? [])]) {
    const bytes = assets.assemblies[asset.name];
    if (!bytes) throw new Error(`pmcp: the bundle lacks ${asset.name}; rebuild with dotnet pmcp deploy build`);
    // A restored runtime has every assembly in its memory already: hand the loader nothing to copy.
    asset.buffer = restoring ? new ArrayBuffer(0) : bytes;
  }
  config.disableIntegrityCheck = true;
}

// The loader compiles dotnet.native.wasm with WebAssembly.compileStreaming(response), which workerd lacks and which
// would compile from bytes anyway; hand it the module wrangler precompiled.
WebAssembly.compileStreaming = async (source) => {
  const response = await source;
  if (response?.precompiled) return response.precompiled;
  throw new Error("pmcp: only the bundled dotnet.native.wasm can be compiled in workerd");
};
