// Outbound HTTP for .NET: fetch() in the I/O context of the request that made the call.
//
// A fetch, its AbortController and its response body belong to the request whose context started them, and workerd
// refuses to use them from another request's context (why .NET may be running in the wrong one: inbox.mjs). So every
// step is posted to the calling request's inbox, as socket operations are (sockets.mjs), and its outcome reaches .NET
// from that request's context. Two callers share this:
// - Pmcp.Workers.Http.WorkersHttpHandler (fetchImports): operations by number, completed through
//   WorkerExports.OperationDone; body chunks delivered with each read's completion (WorkerExports.OperationDelivered).
// - .NET's own browser handler, which `new HttpClient()` uses (routeRuntimeHttp): the runtime's http_wasm_* functions
//   are replaced by versions that ask .NET which request is calling (WorkerExports.CurrentRequestId, an AsyncLocal)
//   and run there. They hand .NET a settleable thenable instead of a Promise: a promise's reactions run in the context
//   that created it (and never, once that request has ended), while the thenable's callbacks are called directly from
//   the owning request's context.
// A fetch is one of its request's resources (request-state.mjs): the request's end aborts it.
import { copyView } from "./bindings.mjs";
import { deliver as deliverBytes, submitter } from "./inbox.mjs";
import { resourceKind } from "./request-state.mjs";

const ENDED = "the request that made this HTTP call has ended (an outbound fetch lives within one request)";
const NO_REQUEST = "HttpClient was used outside a request (at startup, or from work no request started). Inside workerd, "
  + "outbound HTTP belongs to a request: send it from a request handler or a tool, or from work passed to Context.WaitUntil.";

/** The runtime's marker of a promise it can cancel (its loader's promise_control_symbol). */
const PROMISE_CONTROL = Symbol.for("wasm promise_control");

/** Option names of .NET's browser handler that mean something to workerd's fetch(); the rest (mode, credentials) it refuses. */
const FETCH_OPTIONS = new Set(["method", "redirect", "cf"]);

/** A fetch in flight or its response body being read, under the key .NET gave it; the request's end aborts it. */
const FETCH = resourceKind("the response is closed", (entry, reason) => release(entry, reason));

/**
 * Starts fetch() in the current (owning) request's context and keeps it under key. Resolves to the Response. With a
 * service binding (a Fetcher in the request's env), the binding's fetch() sends it to that other Worker instead.
 */
function begin(request, key, url, init, service = null) {
  const controller = new AbortController();
  const entry = { controller, response: null, reader: null, writer: null, pending: new Set() };
  request.put(FETCH, key, entry);
  const options = { ...init, signal: controller.signal };
  return {
    entry,
    response: (service ? service.fetch(url, options) : fetch(url, options)).then(
      (response) => {
        entry.response = response;
        return response;
      },
      (e) => { throw refusal(e); },
    ),
  };
}

/**
 * Cloudflare's refusal of a subrequest past the plan's limit ("Too many subrequests."), reworded so a .NET developer
 * knows which limit and which setting; any other failure as it is. workerd does not count subrequests locally.
 */
export function refusal(e) {
  if (!/too many subrequests/i.test(String(e?.message ?? e))) return e;
  return new Error("Cloudflare refused this request: the Worker has made as many subrequests (fetches) as one request may "
    + "(50 on the Free plan; 10,000 by default on Paid, set with [workers.limits] subrequests in deploy.toml). Make fewer "
    + `calls per request, or raise the limit. (${e?.message ?? e})`);
}

/**
 * The service binding `name` of the request's env (a Fetcher: another Worker), or an error that names the binding and
 * how to declare it.
 */
export function serviceOf(request, name) {
  if (name.startsWith(DURABLE)) return stubOf(request, name.slice(DURABLE.length));
  const service = request.env?.[name];
  if (service != null && typeof service.fetch === "function") return service;
  return new Error(`no service binding '${name}' in this Worker's env: declare it in wrangler.toml as [[services]] `
    + `binding = "${name}" service = "<the other Worker's name>" (or in .pmcp/deploy.toml under [workers.services])`);
}

/** A stub target's prefix: "durable:BINDING/ID" (Interop/JsObjectNamespace.cs). Binding names cannot hold ':'. */
const DURABLE = "durable:";

/**
 * The stub of the Durable Object ID of namespace BINDING ("BINDING/ID"), made in the calling request's context (a stub
 * belongs to the request that got it), or an error that says what is missing.
 */
function stubOf(request, target) {
  const slash = target.indexOf("/");
  const name = target.slice(0, slash);
  const namespace = request.env?.[name];
  if (namespace == null || typeof namespace.idFromString !== "function") {
    return new Error(`no Durable Object namespace '${name}' in this request's env: declare it in .pmcp/deploy.toml under [workers.durable_objects] ${name} = "<class name>"`);
  }
  return namespace.get(namespace.idFromString(target.slice(slash + 1)));
}

/** Workers' `cf` options (cache settings and the like), which .NET passes as JSON. */
function cfOf(json) {
  if (json == null || json === "") return undefined;
  return typeof json === "string" ? JSON.parse(json) : json;
}

/** Names and values, with non-ASCII values refused in words a .NET developer can act on. */
function toHeaders(names, values) {
  const headers = new Headers();
  for (let i = 0; i < names.length; i++) {
    if (/[^\x00-\x7f]/.test(values[i])) {
      throw new Error(`the value of header '${names[i]}' has non-ASCII characters; HTTP header values are ASCII: encode it (for example with Uri.EscapeDataString)`);
    }
    headers.append(names[i], values[i]);
  }
  return headers;
}

/** "statusText, url, redirected, name, value, …": what .NET needs of a response besides its status and body. */
function headOf(response) {
  const head = [response.statusText ?? "", response.url ?? "", response.redirected ? "1" : "0"];
  for (const [name, value] of response.headers) head.push(name, value);
  return head;
}

/** The next non-empty chunk of a response body, or null at its end. */
async function nextChunk(entry) {
  if (!entry.response.body) return null;
  entry.reader ??= entry.response.body.getReader();
  for (;;) {
    const { value, done } = await entry.reader.read();
    if (done) return null;
    if (value.byteLength > 0) return value instanceof Uint8Array ? value : new Uint8Array(value);
  }
}

function release(entry, reason) {
  entry.controller.abort(reason);
  entry.reader?.cancel(reason).catch(() => {});
  entry.writer?.abort(reason).catch(() => {});
  for (const settle of entry.pending) settle.reject(reason);
  entry.pending.clear();
}

/**
 * The imports of WorkersHttpHandler (Interop/JsFetch.cs).
 * @param {Map<number, object>} requests the host's live requests: by id (request-state.mjs).
 * @param {(operation: number, error: string | null, value: number) => void} complete reports to .NET.
 */
export function fetchImports(requests, complete) {
  const submit = submitter(requests, complete, ENDED, "the fetch failed");

  return {
    /**
     * Starts a fetch under .NET's key. bodyKind: 0 none, 1 the bytes in body, 2 streamed (fetchWrite) of unknown
     * length, 3 streamed of exactly `length` bytes. The outcome's value is the status; the rest is taken with fetchHead.
     * binding: the name of a service binding to send it through (another Worker), or null for the Internet.
     */
    fetchStart(requestId, operation, key, method, url, headers, redirect, bodyKind, body, length, cf, binding) {
      const bytes = copyView(body); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, async (request) => {
        const service = binding ? serviceOf(request, binding) : null;
        if (service instanceof Error) throw service;
        const names = [];
        const values = [];
        for (let i = 0; i + 1 < headers.length; i += 2) {
          names.push(headers[i]);
          values.push(headers[i + 1]);
        }
        const init = { method, headers: toHeaders(names, values), redirect };
        if (cf) init.cf = cfOf(cf);
        let writer = null;
        if (bodyKind === 1) {
          init.body = bytes;
        } else if (bodyKind >= 2) {
          // A FixedLengthStream sends Content-Length; a TransformStream's readable is sent chunked.
          const { readable, writable } = bodyKind === 3 ? new FixedLengthStream(length) : new TransformStream();
          init.body = readable;
          init.duplex = "half";
          writer = writable.getWriter();
        }
        const started = begin(request, key, url, init, service);
        started.entry.writer = writer;
        const response = await started.response;
        started.entry.head = headOf(response);
        return response.status;
      });
    },

    /** What fetchStart's response left: statusText, url, redirected ("1"/"0"), then header names and values. */
    fetchHead(requestId, key) {
      const entry = requests.get(requestId)?.find(FETCH, key);
      return entry?.head ?? null;
    },

    /** Sends the next bytes of a streamed request body (copied before this returns). */
    fetchWrite(requestId, operation, key, chunk) {
      const bytes = copyView(chunk);
      return submit(requestId, operation, async (request) => {
        await request.get(FETCH, key).writer.write(bytes);
        return 0;
      });
    },

    /** Ends a streamed request body, or aborts it when error is set. */
    fetchWriteEnd(requestId, operation, key, error) {
      return submit(requestId, operation, async (request) => {
        const writer = request.get(FETCH, key).writer;
        if (error != null) await writer.abort(new Error(error));
        else await writer.close();
        return 0;
      });
    },

    /** The outcome delivers the body's next chunk, or is 0 at its end. */
    fetchRead(requestId, operation, key) {
      return submit(requestId, operation, async (request) => {
        const chunk = await nextChunk(request.get(FETCH, key));
        if (chunk === null) {
          request.delete(FETCH, key);
          return 0;
        }
        return deliverBytes(chunk);
      });
    },

    /** Aborts the fetch and releases its body (nothing to wait for: what is left is dropped). */
    fetchClose(requestId, key) {
      const request = requests.get(requestId);
      request?.inbox.post(() => {
        const entry = request.delete(FETCH, key);
        if (entry) release(entry, new DOMException("The operation was aborted.", "AbortError"));
      });
    },
  };
}

/**
 * Replaces the runtime's JS halves of .NET's browser HttpClientHandler (BrowserHttpInterop: INTERNAL.http_wasm_*, as
 * .NET 10's dotnet.runtime.js has them), so that `new HttpClient()` fetches in the calling request's context too. They
 * work on a controller object .NET holds for each request message; ours keeps the request id and the fetch's key.
 * @param {object} internals the runtime's INTERNAL object, where those imports are looked up when first bound.
 * @param {Map<number, object>} requests the host's live requests.
 * @param {() => number} currentRequestId asks .NET which request is running the calling code (0: none).
 * @param {() => Uint8Array} heap the current view of .NET's memory (it is replaced when memory grows).
 */
export function routeRuntimeHttp(internals, requests, currentRequestId, heap) {
  let nextKey = 1;

  /** Runs work(request, entry, settle) in the controller's request; returns the thenable .NET awaits. */
  function inRequest(controller, work) {
    const settle = settleable();
    const request = requests.get(controller.requestId);
    if (!request) {
      settle.reject(new Error(controller.requestId === 0 ? NO_REQUEST : ENDED));
      return settle.thenable;
    }
    // Held here until settled: .NET's side of the task lives only as long as the thenable does, and collecting it
    // would run .NET's finalization callback outside any request. The request's end settles what is left.
    request.unsettled.add(settle);
    settle.onDone = () => request.unsettled.delete(settle);
    request.inbox.post(() => {
      if (settle.done) return; // cancelled by .NET meanwhile
      let entry = null;
      try {
        entry = controller.key === null ? null : request.get(FETCH, controller.key);
        entry?.pending.add(settle);
        Promise.resolve(work(request, entry, settle)).then(
          (value) => { entry?.pending.delete(settle); settle.resolve(value); },
          (e) => { entry?.pending.delete(settle); settle.reject(e); },
        );
      } catch (e) {
        entry?.pending.delete(settle);
        settle.reject(e);
      }
    });
    return settle.thenable;
  }

  function startFetch(controller, url, names, values, optionNames, optionValues, body) {
    controller.requestId = currentRequestId();
    const init = {};
    for (let i = 0; i < optionNames.length; i++) {
      if (FETCH_OPTIONS.has(optionNames[i])) init[optionNames[i]] = optionValues[i];
    }
    if (init.cf !== undefined) init.cf = cfOf(init.cf);
    try {
      init.headers = toHeaders(names, values);
    } catch (e) {
      const settle = settleable();
      settle.reject(e);
      return settle.thenable;
    }
    if (body != null) init.body = body;
    const key = `runtime:${nextKey++}`;
    return inRequest(controller, async (request, _, settle) => {
      if (controller.aborted) throw new DOMException("The operation was aborted.", "AbortError");
      controller.key = key;
      const { entry, response: started } = begin(request, key, url, init);
      // Settled by the request's end (RequestState.close) if it comes first: this promise's reactions would then never run.
      entry.pending.add(settle);
      const response = await started;
      entry.pending.delete(settle);
      const head = headOf(response);
      entry.head = head;
      controller.responseType = response.type ?? "default";
      controller.responseStatus = response.status;
      controller.responseHeaderNames = [];
      controller.responseHeaderValues = [];
      for (let i = 3; i + 1 < head.length; i += 2) {
        controller.responseHeaderNames.push(head[i]);
        controller.responseHeaderValues.push(head[i + 1]);
      }
      return null;
    });
  }

  function abort(controller) {
    controller.aborted = true;
    const request = requests.get(controller.requestId);
    if (controller.key === null || !request) return;
    request.inbox.post(() => {
      const entry = request.delete(FETCH, controller.key);
      if (entry) release(entry, new DOMException("The operation was aborted.", "AbortError"));
    });
  }

  Object.assign(internals, {
    // A streamed request body would be a stream made in, and written from, the owning request; .NET buffers it instead.
    http_wasm_supports_streaming_request: () => false,
    /** Not an AbortController: which request the fetch belongs to is known only once it starts. */
    http_wasm_create_controller: () => ({ requestId: 0, key: null, aborted: false }),
    http_wasm_abort: (controller) => abort(controller),
    http_wasm_fetch: (controller, url, names, values, optionNames, optionValues, body) =>
      startFetch(controller, url, names, values, optionNames, optionValues, body instanceof Uint8Array ? body : null),
    http_wasm_fetch_bytes: (controller, url, names, values, optionNames, optionValues, pointer, length) =>
      startFetch(controller, url, names, values, optionNames, optionValues, heap().slice(pointer, pointer + length)),
    http_wasm_fetch_stream: () => {
      throw new Error("inside workerd the default HttpClient handler sends request bodies whole; for a streamed upload use Pmcp.Workers.Http.WorkersHttpHandler");
    },
    http_wasm_get_response_type: (controller) => controller.responseType,
    http_wasm_get_response_status: (controller) => controller.responseStatus ?? 0,
    http_wasm_get_response_header_names: (controller) => controller.responseHeaderNames ?? [],
    http_wasm_get_response_header_values: (controller) => controller.responseHeaderValues ?? [],
    http_wasm_get_response_length: (controller) => inRequest(controller, async (_, entry) => {
      const buffer = await entry.response.arrayBuffer();
      controller.responseBytes = new Uint8Array(buffer);
      controller.responseOffset = 0;
      return buffer.byteLength;
    }),
    /** Copies what http_wasm_get_response_length fetched into a view of .NET memory; no I/O. */
    http_wasm_get_response_bytes: (controller, view) => {
      const rest = controller.responseBytes.subarray(controller.responseOffset);
      const count = Math.min(view.byteLength, rest.byteLength);
      view.set(rest.subarray(0, count), 0);
      controller.responseOffset += count;
      return count;
    },
    // .NET pins [pointer, pointer + length) until the returned thenable settles; a cancelled read writes nothing.
    http_wasm_get_streamed_response_bytes: (controller, pointer, length) => inRequest(controller, async (_, entry, settle) => {
      if (!entry.chunk || entry.offset === entry.chunk.byteLength) {
        entry.chunk = await nextChunk(entry);
        entry.offset = 0;
      }
      if (entry.chunk === null || settle.done) return 0;
      const count = Math.min(length, entry.chunk.byteLength - entry.offset);
      heap().set(entry.chunk.subarray(entry.offset, entry.offset + count), pointer);
      entry.offset += count;
      return count;
    }),
  });
}

/**
 * What .NET's interop takes for a Promise it may cancel (it finds resolve/reject under the runtime's promise-control
 * symbol), whose callbacks run synchronously from whoever settles it, in that caller's context: no promise reaction,
 * so nothing for workerd to deliver in (or drop with) the request that happened to make it.
 */
function settleable() {
  const callbacks = [];
  let outcome = null;
  // A real (never settled) Promise with its own then(): Promise.resolve(), which the runtime's isThenable() test calls,
  // returns it as it is instead of subscribing a promise of the calling request that this would later resolve.
  const thenable = new Promise(() => {});
  thenable.then = (onResolved, onRejected) => {
    // Never within the call that hands the thenable to .NET: the task it completes is not set up yet.
    if (outcome === null) callbacks.push({ onResolved, onRejected });
    else queueMicrotask(() => deliver(outcome, onResolved, onRejected));
    return undefined;
  };
  const settle = {
    done: false,
    thenable,
    resolve(value) { finish({ value }); },
    reject(error) { finish({ error }); },
  };
  thenable[PROMISE_CONTROL] = settle;

  function finish(result) {
    if (settle.done) return;
    settle.done = true;
    settle.onDone?.();
    outcome = result;
    for (const { onResolved, onRejected } of callbacks.splice(0)) deliver(result, onResolved, onRejected);
  }

  return settle;
}

function deliver(outcome, onResolved, onRejected) {
  if ("error" in outcome) onRejected?.(outcome.error);
  else onResolved?.(outcome.value);
}
