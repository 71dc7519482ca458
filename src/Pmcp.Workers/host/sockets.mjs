// Outbound TCP for .NET (Pmcp.Workers.Sockets.TcpSocket): connect() from cloudflare:sockets, the only way a Worker
// reaches Hyperdrive or any database speaking its own protocol.
//
// A socket belongs to the request that opened it (workerd cancels it when the request ends), so each operation is
// posted to that request's inbox and runs in its context (inbox.mjs). .NET submits an operation synchronously
// (socketOpen/Write/Read/Close return null, or an error message when they cannot start) and learns the outcome
// through WorkerExports.SocketDone(operation, error, value), called from the request's context: a promise handed
// back to .NET would belong to whichever request happened to be running, and die with it. A read's bytes are
// parked in the request's slots, like binary binding results (bindings.mjs), and taken with bindingTake.
import { connect } from "cloudflare:sockets";
import { copyView, park } from "./bindings.mjs";
import { submitter } from "./inbox.mjs";

/**
 * @param {Map<number, object>} requests the host's live requests: { inbox, sockets, slots, … } by request id.
 * @param {(operation: number, error: string | null, value: number) => void} complete reports to .NET.
 */
export function socketImports(requests, complete) {
  const submit = submitter(requests, complete,
    "the request that owns this socket has ended (a socket lives within one request)", "the connection failed");

  function socketOf(request, id) {
    const entry = request.sockets?.get(id);
    if (!entry) throw new Error("the socket is closed");
    return entry;
  }

  return {
    /** Value: the socket's id once connected (socket.opened), so a refused connection fails here. */
    socketOpen(requestId, operation, host, port) {
      return submit(requestId, operation, async (request) => {
        const socket = connect({ hostname: host, port }, { secureTransport: "off", allowHalfOpen: false });
        try {
          await socket.opened;
        } catch (e) {
          socket.close().catch(() => {});
          throw e;
        }
        request.sockets ??= new Map();
        request.nextSocket = (request.nextSocket ?? 0) + 1;
        request.sockets.set(request.nextSocket, { socket, reader: socket.readable.getReader(), writer: socket.writable.getWriter() });
        return request.nextSocket;
      });
    },

    socketWrite(requestId, operation, id, bytes) {
      const copy = copyView(bytes); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, async (request) => {
        await socketOf(request, id).writer.write(copy);
        return 0;
      });
    },

    /** Value: the slot holding the next chunk, or 0 once the server has closed its side. */
    socketRead(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const { value, done } = await socketOf(request, id).reader.read();
        return done ? 0 : park(request, value);
      });
    },

    socketClose(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const entry = request.sockets?.get(id);
        if (!entry) return 0;
        request.sockets.delete(id);
        await entry.socket.close();
        return 0;
      });
    },
  };
}

/** Closes what a request left open; called when the request ends. */
export function closeSockets(request) {
  if (!request.sockets) return;
  for (const { socket } of request.sockets.values()) socket.close().catch(() => {});
  request.sockets.clear();
}
