// Outbound TCP for .NET (Pmcp.Workers.Sockets.TcpSocket): connect() from cloudflare:sockets, the only way a Worker
// reaches Hyperdrive or any database speaking its own protocol.
//
// A socket belongs to the request that opened it (workerd cancels it when the request ends), so each operation is
// posted to that request's inbox and runs in its context (inbox.mjs). .NET submits an operation synchronously
// (socketOpen/Write/Read/Close return null, or an error message when they cannot start) and learns the outcome
// through WorkerExports.OperationDone(operation, error, value), called from the request's context: a promise handed
// back to .NET would belong to whichever request happened to be running, and die with it. A read's bytes cross with
// its completion (WorkerExports.OperationDelivered), like binding results (bindings.mjs). A socket is one of its
// request's resources (request-state.mjs): the request's end closes it.
import { connect } from "cloudflare:sockets";
import { copyView } from "./bindings.mjs";
import { deliver, submitter } from "./inbox.mjs";
import { resourceKind } from "./request-state.mjs";

/** A connected socket; the request's end closes it (workerd would cancel it anyway). */
const SOCKET = resourceKind("the socket is closed", ({ socket }) => socket.close().catch(() => {}));

/**
 * @param {Map<number, object>} requests the host's live requests: by id (request-state.mjs).
 * @param {(operation: number, error: string | null, value: number) => void} complete reports to .NET.
 */
export function socketImports(requests, complete) {
  const submit = submitter(requests, complete,
    "the request that owns this socket has ended (a socket lives within one request)", "the connection failed");

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
        return request.open(SOCKET, { socket, reader: socket.readable.getReader(), writer: socket.writable.getWriter() });
      });
    },

    socketWrite(requestId, operation, id, bytes) {
      const copy = copyView(bytes); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, async (request) => {
        await request.get(SOCKET, id).writer.write(copy);
        return 0;
      });
    },

    /** Delivers the next chunk, or 0 once the server has closed its side. */
    socketRead(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const { value, done } = await request.get(SOCKET, id).reader.read();
        return done ? 0 : deliver(value);
      });
    },

    socketClose(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const entry = request.delete(SOCKET, id);
        if (entry) await entry.socket.close();
        return 0;
      });
    },
  };
}
