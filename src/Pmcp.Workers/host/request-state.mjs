// What the host keeps for one request while .NET serves it: the one place per-request state is declared.
//
// Every I/O object a request opens (a socket, an R2 body or upload, a fetch, a WebSocket) belongs to that request's
// context in workerd (inbox.mjs says why that matters), so it lives in the request's resource table and is released
// when the request ends. Operations on it arrive from .NET by request id and resource id; their outcomes go back
// through WorkerExports.OperationDone (inbox.mjs: submitter); bytes for .NET (a binding's result, a read's chunk)
// cross with the completion (WorkerExports.OperationDelivered), since .NET cannot receive a Task<byte[]>.
import { Inbox } from "./inbox.mjs";

/**
 * A kind of request-owned resource: what it is called when it is gone, and how a request's end releases it.
 * @typedef {{ closed: string, release: (value: any, reason: Error) => void }} ResourceKind
 */

/** @returns {ResourceKind} */
export function resourceKind(closed, release) {
  return Object.freeze({ closed, release });
}

export class RequestState {
  /** The Worker's env (bindings, vars, secrets); {} in the warm-up and while an image is recorded. */
  env;
  /** workerd's ExecutionContext (waitUntil), or null in the warm-up. */
  ctx;
  /** Work that must run in this request's I/O context, run by its own loop (timers.mjs: awaitDotnet). */
  inbox = new Inbox();
  /**
   * The request's body while it waits in workerd for the Worker to read it ({ stream, limit }: worker-host.mjs,
   * requestBody); null once read, or when it came with the request.
   */
  requestBody = null;
  /** The response head, "status\nname\nvalue…", once .NET has given it. */
  head = null;
  /** The response body: bytes (plain) or a ReadableStream (streamed, with writer set). */
  body = null;
  /** The streamed body's writer; null for a plain response. */
  writer = null;
  /** A WebSocket answer, { client, protocol }: the client end of the pair whose server end .NET accepted (websockets.mjs). */
  upgrade = null;
  /**
   * The Durable Object this request is an event of (worker-host.mjs: durableObjectClass): { className, state (its
   * DurableObjectState), instance, id, name, blocks }; null for a request to the Worker itself.
   */
  object = null;
  /** Who still needs this state: the request itself, and each Context.WaitUntil of .NET's. */
  holds = 1;
  /** Thenables handed to .NET's own HttpClient handler and not yet settled (fetch.mjs); the request's end rejects them. */
  unsettled = new Set();
  /** Called when the response head is known (a streamed response starts then). */
  headReady;
  /** Called when .NET has finished the request. */
  finished;
  /** Tells .NET the client has gone (its Request.Aborted fires), once; set by the host, null after. */
  clientGone = null;

  /** Open resources: kind → (id → value). */
  #resources = new Map();
  #nextResource = 1;

  constructor(env, ctx, headReady, finished) {
    this.env = env;
    this.ctx = ctx;
    this.headReady = headReady;
    this.finished = finished;
  }

  /** Keeps a resource until deleted or the request ends; returns its id (ids start at 1, so 0 can mean "none"). */
  open(kind, value) {
    const id = this.#nextResource++;
    this.put(kind, id, value);
    return id;
  }

  /** Keeps a resource under a key its caller chose (.NET names its fetches before they start). */
  put(kind, key, value) {
    let table = this.#resources.get(kind);
    if (!table) this.#resources.set(kind, (table = new Map()));
    table.set(key, value);
  }

  /** The resource of that kind under key, or undefined. */
  find(kind, key) {
    return this.#resources.get(kind)?.get(key);
  }

  /** The resource of that kind under key; throws the kind's "closed" message when there is none. */
  get(kind, key) {
    const value = this.find(kind, key);
    if (value === undefined) throw new Error(kind.closed);
    return value;
  }

  /** Forgets a resource (its owner released it or is about to); returns it, or undefined. */
  delete(kind, key) {
    const table = this.#resources.get(kind);
    const value = table?.get(key);
    table?.delete(key);
    return value;
  }

  /** The request has ended and nothing holds it: releases what it left open and rejects what .NET still waits for. */
  close(reason) {
    for (const [kind, table] of this.#resources) {
      for (const value of table.values()) {
        try {
          kind.release(value, reason);
        } catch {
          // Releasing is best effort: the request is gone either way.
        }
      }
    }
    this.#resources.clear();
    for (const settle of this.unsettled) settle.reject(reason);
    this.unsettled.clear();
  }

  /** How many resources are open (tests and stats). */
  get openResources() {
    let count = 0;
    for (const table of this.#resources.values()) count += table.size;
    return count;
  }
}
