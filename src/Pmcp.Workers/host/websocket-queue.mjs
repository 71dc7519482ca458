// The messages an accepted WebSocket has received and .NET has not yet taken (websockets.mjs).
//
// workerd delivers a WebSocket's messages as events, as fast as the peer sends them, and offers no way to pause
// them: a peer that sends faster than .NET receives would grow the isolate without limit. So what waits here is
// capped (MAX_QUEUED_BYTES): past the cap the socket is closed with 1009 (message too big) and the next receive
// fails saying why; the Worker itself keeps serving.

/** How many bytes of received messages may wait for .NET on one socket. */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** How long after a connection error a close event may still arrive and be what .NET receives. */
export const ERROR_GRACE_MS = 1000;

const encoder = new TextEncoder();

/**
 * A message: { text: boolean, bytes: Uint8Array }, or the end: { close: true, code, reason }.
 * One receive waits at a time (.NET's WebSocket allows one ReceiveAsync at a time).
 */
export class MessageQueue {
  #messages = [];
  #bytes = 0;
  #waiter = null;
  #end = null;
  #failure = null;
  #error = null;
  #limit;
  #onOverflow;
  #errorGraceMs;
  #graceTimer = null;

  /**
   * @param {EventTarget} socket an accepted WebSocket (its message, close and error events).
   * @param {number} limit the cap on waiting bytes.
   * @param {() => void} onOverflow closes the socket when the cap is passed.
   * @param {number} errorGraceMs how long after an error a close event may still arrive and win.
   */
  constructor(socket, limit = MAX_QUEUED_BYTES, onOverflow = () => {}, errorGraceMs = ERROR_GRACE_MS) {
    this.#limit = limit;
    this.#onOverflow = onOverflow;
    this.#errorGraceMs = errorGraceMs;
    socket.addEventListener("message", (event) => this.push(event.data));
    socket.addEventListener("close", (event) => this.end(event.code, event.reason ?? ""));
    socket.addEventListener("error", (event) => this.error(new Error(event?.message || event?.error?.message || "the WebSocket connection failed")));
  }

  /** Bytes waiting for .NET. */
  get queuedBytes() {
    return this.#bytes;
  }

  push(data) {
    if (this.#end !== null || this.#failure !== null) return;
    const message = typeof data === "string"
      ? { text: true, bytes: encoder.encode(data) }
      // Not `instanceof ArrayBuffer`: workerd's event data need not come from this module's realm.
      : { text: false, bytes: ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data) };
    if (this.#bytes + message.bytes.byteLength > this.#limit) {
      this.fail(new Error(`the peer sent more than ${this.#limit} bytes that the Worker had not received yet (it sends faster than ReceiveAsync is called): the WebSocket was closed with 1009`));
      try {
        this.#onOverflow();
      } catch {
        // Closed already: nothing more to stop.
      }
      return;
    }
    this.#settle(message);
  }

  /** The peer closed (code 1006: without a close handshake). */
  end(code, reason) {
    if (this.#end !== null || this.#failure !== null) return;
    this.#end = { close: true, code, reason };
    this.#clearGrace();
    if (this.#waiter !== null) this.#take();
  }

  /**
   * The connection reported an error (it was lost). What was received before it is still delivered, and a close frame
   * that arrives within the grace period wins: workerd reports a peer that closes its TCP connection right after its
   * close frame as an error first, and dispatches the close event a turn or more later (seen with 8+ sockets at once).
   */
  error(error) {
    if (this.#end !== null || this.#failure !== null || this.#error !== null) return;
    this.#error = error;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = null;
      if (this.#waiter !== null && this.#messages.length === 0 && this.#end === null) this.#take();
    }, this.#errorGraceMs);
  }

  /** The socket failed, or its request ended: what waits is dropped and every later receive fails with error. */
  fail(error) {
    if (this.#failure !== null) return;
    this.#failure = error;
    this.#clearGrace();
    this.#messages = [];
    this.#bytes = 0;
    if (this.#waiter !== null) this.#take();
  }

  /** The next message, or the end; rejects with the failure. */
  next() {
    if (this.#waiter !== null) return Promise.reject(new Error("a receive is already waiting on this WebSocket (one ReceiveAsync at a time)"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      // After an error, a receive with nothing left waits out the grace period (its timer takes).
      if (this.#messages.length > 0 || this.#end !== null || this.#failure !== null || (this.#error !== null && this.#graceTimer === null)) this.#take();
    });
  }

  #clearGrace() {
    if (this.#graceTimer !== null) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
  }

  #settle(message) {
    this.#messages.push(message);
    this.#bytes += message.bytes.byteLength;
    if (this.#waiter !== null) this.#take();
  }

  #take() {
    const waiter = this.#waiter;
    this.#waiter = null;
    if (this.#failure !== null) {
      waiter.reject(this.#failure);
    } else if (this.#messages.length > 0) {
      const message = this.#messages.shift();
      this.#bytes -= message.bytes.byteLength;
      waiter.resolve(message);
    } else if (this.#end !== null) {
      waiter.resolve(this.#end);
    } else {
      waiter.reject(this.#error);
    }
  }
}
