// Durable Objects' hibernatable WebSockets (Pmcp.Workers.DurableObjects: State.AcceptWebSocketAsync and the object's
// WebSocketMessageAsync/WebSocketCloseAsync/WebSocketErrorAsync).
//
// workerd holds a hibernatable socket, not the object: the object may be evicted while its sockets stay open, and a
// later event constructs it again (in a fresh isolate, even). So .NET keeps nothing per socket. The host names each
// socket by a handle on the object's JS record (objectSockets: handles are valid within this isolate), adopts at
// construction the sockets workerd kept (ctx.getWebSockets()), and keeps tags with them; an attachment lives on the
// socket itself (serializeAttachment), which workerd keeps across hibernation. Whatever needs the object's I/O context
// (accept, send, close, the auto-response, forwarding an upgrade from a Worker) is posted to the calling request's
// inbox, as every other operation is (inbox.mjs).
import { copyView } from "./bindings.mjs";
import { deliver, submitter } from "./inbox.mjs";
import { serviceOf } from "./fetch.mjs";

/** WebSocket.readyState of an open socket. */
const OPEN = 1;

const decoder = new TextDecoder();

/** The object's socket table, with the sockets workerd kept while it hibernated (call in the object's constructor). */
export function objectSockets(state) {
  const sockets = { byHandle: new Map(), handles: new WeakMap(), next: 1 };
  try {
    for (const ws of state.getWebSockets?.() ?? []) adopt(sockets, ws, () => state.getTags(ws));
  } catch (e) {
    console.warn("pmcp: could not list the Durable Object's WebSockets:", e?.message ?? String(e));
  }
  return sockets;
}

/** The handle of ws in the table, given one (its tags from tags(), asked once) if it has none yet. */
export function adopt(sockets, ws, tags) {
  let handle = sockets.handles.get(ws);
  if (handle === undefined) {
    handle = sockets.next++;
    sockets.handles.set(ws, handle);
    let known = null;
    sockets.byHandle.set(handle, {
      ws,
      closing: false,
      get tags() {
        if (known === null) {
          try {
            known = [...tags()];
          } catch {
            known = [];
          }
        }
        return known;
      },
    });
  }
  return handle;
}

/** Codes a server may send in a close frame; others are answered with 1000. */
export function closeCodeToSend(code) {
  return code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999) ? code : 1000;
}

/**
 * @param {Map<number, object>} requests the host's live requests (request-state.mjs).
 * @param {(operation: number, error: string | null, value: number, bytes?: Uint8Array) => void} complete reports to .NET.
 * @param {Map<number, object>} objects the live Durable Objects' records, by instance (worker-host.mjs).
 */
export function hibernationImports(requests, complete, objects) {
  const submit = submitter(requests, complete, "the event that used this WebSocket has ended", "the WebSocket operation failed");

  function objectOf(instance) {
    const object = objects.get(instance);
    if (!object) throw new Error("the Durable Object is no longer in memory");
    return object;
  }

  function socketOf(instance, handle) {
    const entry = objectOf(instance).sockets.byHandle.get(handle);
    if (!entry) throw new Error(`no open WebSocket ${handle} in this Durable Object (it has closed)`);
    return entry;
  }

  return {
    /** Accepts the event's upgrade: a WebSocketPair whose server end the object's state accepts; the outcome is its handle. */
    objectWebSocketAccept(requestId, operation, instance, tags) {
      return submit(requestId, operation, (request) => {
        const object = request.object;
        if (object == null || object.instance !== instance) throw new Error("State.AcceptWebSocketAsync was called outside the object's own event");
        const [client, server] = Object.values(new WebSocketPair());
        object.state.acceptWebSocket(server, tags);
        const accepted = [...tags];
        const handle = adopt(object.sockets, server, () => accepted);
        request.upgrade = { client, protocol: null };
        return handle;
      });
    },

    objectWebSockets(instance, tag) {
      const handles = [];
      for (const [handle, entry] of objectOf(instance).sockets.byHandle) {
        if (entry.closing || entry.ws.readyState > OPEN) continue;
        if (tag == null || entry.tags.includes(tag)) handles.push(handle);
      }
      return handles;
    },

    objectWebSocketTags(instance, handle) {
      return socketOf(instance, handle).tags;
    },

    objectWebSocketSend(requestId, operation, instance, handle, text, bytes) {
      const copy = copyView(bytes); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, () => {
        socketOf(instance, handle).ws.send(text ? decoder.decode(copy) : copy);
        return 0;
      });
    },

    objectWebSocketClose(requestId, operation, instance, handle, code, reason) {
      return submit(requestId, operation, () => {
        const { ws } = socketOf(instance, handle);
        try {
          ws.close(code, reason);
        } catch (e) {
          if (ws.readyState < 2 /* CLOSING */) throw e;
        }
        return 0;
      });
    },

    objectWebSocketAttachment(instance, handle) {
      const value = socketOf(instance, handle).ws.deserializeAttachment();
      return typeof value === "string" ? value : value == null ? null : JSON.stringify(value);
    },

    objectWebSocketSetAttachment(instance, handle, json) {
      socketOf(instance, handle).ws.serializeAttachment(json ?? null);
    },

    /** Posted to the event's own context; returns null, or why it cannot be. */
    objectWebSocketAutoResponse(requestId, instance, request, response) {
      const pending = requests.get(requestId);
      if (!pending) return "the event has ended";
      const object = objects.get(instance);
      if (!object) return "the Durable Object is no longer in memory";
      pending.inbox.post(() => {
        try {
          object.state.setWebSocketAutoResponse(request == null ? undefined : new WebSocketRequestResponsePair(request, response));
        } catch (e) {
          console.error("pmcp: setting the WebSocket auto-response failed:", e?.message ?? String(e));
        }
      });
      return null;
    },

    /**
     * Sends the calling request's WebSocket upgrade to a Durable Object (target "durable:BINDING/ID") with the stub's
     * fetch: when the object accepts it, its response's webSocket becomes this request's answer (value 101); otherwise
     * the value is the object's status and its body is delivered.
     */
    objectForward(requestId, operation, target, url, headers) {
      return submit(requestId, operation, async (request) => {
        const stub = serviceOf(request, target);
        if (stub instanceof Error) throw stub;
        const init = new Headers();
        for (let i = 0; i + 1 < headers.length; i += 2) init.append(headers[i], headers[i + 1]);
        const response = await stub.fetch(url, { headers: init });
        if (response.webSocket) {
          request.upgrade = { client: response.webSocket, protocol: response.headers.get("sec-websocket-protocol") };
          return 101;
        }
        return deliver(new Uint8Array(await response.arrayBuffer()), response.status);
      });
    },
  };
}
