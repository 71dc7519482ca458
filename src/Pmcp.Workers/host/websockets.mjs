// WebSockets for .NET (Pmcp.Workers.WebSockets): outbound, a fetch() with `Upgrade: websocket` whose response's
// webSocket is accepted; inbound, a WebSocketPair whose server end is accepted and whose client end answers the
// request with 101.
//
// An accepted WebSocket belongs to the request whose context accepted it, like a socket (sockets.mjs): every
// operation is posted to that request's inbox and runs in its context, and its outcome reaches .NET through
// WorkerExports.OperationDone. Messages arrive as events; they wait in the socket's MessageQueue (capped:
// websocket-queue.mjs) until .NET receives them, one per receive operation, parked in the request's slots. A WebSocket
// is one of its request's resources (request-state.mjs): the request's end closes it with 1001.
import { copyView } from "./bindings.mjs";
import { deliver, submitter } from "./inbox.mjs";
import { resourceKind } from "./request-state.mjs";
import { MessageQueue } from "./websocket-queue.mjs";

/** What a receive's outcome value carries besides the slot (value = slot * 4 + kind). */
const TEXT = 1;
const BINARY = 2;
const CLOSE = 3;

const WEBSOCKET = resourceKind("the WebSocket is closed", (entry, reason) => entry.release(reason));

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** An accepted WebSocket and what it has received. */
class Entry {
  socket;
  queue;
  protocol;

  constructor(socket, protocol) {
    this.socket = socket;
    this.protocol = protocol ?? "";
    // Since the websocket_standard_binary_type flag (on with recent compatibility dates) binary messages arrive as
    // Blobs unless asked for as ArrayBuffers; a Blob's bytes could only be read asynchronously, out of order.
    socket.binaryType = "arraybuffer";
    this.queue = new MessageQueue(socket, undefined, () => socket.close(1009, "the Worker's receive queue is full"));
    socket.accept();
  }

  /** Closes the socket (best effort: it may be closed already) and fails what still waits. */
  release(reason, code = 1001, text = "going away") {
    this.queue.fail(reason);
    try {
      this.socket.close(code, text);
    } catch {
      // Closed already.
    }
  }
}

/** The bytes a close hands .NET: its code (2 bytes, big-endian), then its reason in UTF-8. */
function closeBytes(code, reason) {
  const text = encoder.encode(reason);
  const bytes = new Uint8Array(2 + text.byteLength);
  bytes[0] = (code >> 8) & 0xff;
  bytes[1] = code & 0xff;
  bytes.set(text, 2);
  return bytes;
}

/**
 * @param {Map<number, object>} requests the host's live requests: by id (request-state.mjs).
 * @param {(operation: number, error: string | null, value: number) => void} complete reports to .NET.
 */
export function webSocketImports(requests, complete) {
  const submit = submitter(requests, complete,
    "the request that owns this WebSocket has ended (a WebSocket lives within one request)", "the WebSocket failed");

  return {
    /** Opens a WebSocket to url (ws: or wss:); the outcome's value is its id. protocols: the subprotocols offered. */
    webSocketConnect(requestId, operation, url, protocols) {
      return submit(requestId, operation, async (request) => {
        const headers = new Headers({ upgrade: "websocket" });
        if (protocols.length > 0) headers.set("sec-websocket-protocol", protocols.join(", "));
        // fetch() speaks http: and https:; the upgrade header makes it a WebSocket handshake.
        const response = await fetch(url.replace(/^ws/i, "http"), { headers });
        const socket = response.webSocket;
        if (!socket) {
          response.body?.cancel().catch(() => {});
          throw new Error(`the server answered ${response.status}${response.statusText ? " " + response.statusText : ""} instead of 101 Switching Protocols`);
        }
        return request.open(WEBSOCKET, new Entry(socket, response.headers.get("sec-websocket-protocol")));
      });
    },

    /**
     * Answers the request with a WebSocket: makes a WebSocketPair, accepts the server end as a resource of the request
     * and has the host answer 101 with the client end (worker-host.mjs). The outcome's value is the server end's id.
     */
    webSocketAccept(requestId, operation, protocol) {
      return submit(requestId, operation, (request) => {
        const [client, server] = Object.values(new WebSocketPair());
        const id = request.open(WEBSOCKET, new Entry(server, protocol));
        request.upgrade = { client, protocol: protocol ?? null };
        request.headReady();
        return id;
      });
    },

    /** The subprotocol the server chose ("" for none). */
    webSocketProtocol(requestId, id) {
      return requests.get(requestId)?.find(WEBSOCKET, id)?.protocol ?? "";
    },

    /** Sends one whole message: text (the bytes are UTF-8) or binary; the bytes are copied before this returns. */
    webSocketSend(requestId, operation, id, text, bytes) {
      const copy = copyView(bytes); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, (request) => {
        request.get(WEBSOCKET, id).socket.send(text ? decoder.decode(copy) : copy);
        return 0;
      });
    },

    /** Delivers the message's bytes with its kind as the value (1 text, 2 binary, 3 close: the bytes are closeBytes). */
    webSocketReceive(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const message = await request.get(WEBSOCKET, id).queue.next();
        if (message.close) return deliver(closeBytes(message.code, message.reason), CLOSE);
        return deliver(message.bytes, message.text ? TEXT : BINARY);
      });
    },

    /** Sends the close frame (code 0: none); the peer's answer arrives as a close message. */
    webSocketClose(requestId, operation, id, code, reason) {
      return submit(requestId, operation, (request) => {
        const { socket } = request.get(WEBSOCKET, id);
        try {
          if (code === 0) socket.close();
          else socket.close(code, reason);
        } catch (e) {
          // The peer closed first and workerd has answered it already: the handshake is complete.
          if (socket.readyState !== 3 /* CLOSED */) throw e;
        }
        return 0;
      });
    },

    /** Forgets the socket, closing it with 1001 if it is still open (Abort and Dispose: nothing to wait for). */
    webSocketRelease(requestId, id) {
      const request = requests.get(requestId);
      request?.inbox.post(() => request.delete(WEBSOCKET, id)?.release(new Error("the WebSocket is closed")));
    },
  };
}
