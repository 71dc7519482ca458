// The capped queue of a WebSocket's received messages (src/Pmcp.Workers/host/websocket-queue.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MessageQueue } from "../../src/Pmcp.Workers/host/websocket-queue.mjs";

function message(type, fields) {
  return Object.assign(new Event(type), fields);
}

test("messages wait in order until received, text as UTF-8 and binary as bytes", async () => {
  const socket = new EventTarget();
  const queue = new MessageQueue(socket);
  socket.dispatchEvent(message("message", { data: "héllo" }));
  socket.dispatchEvent(message("message", { data: new Uint8Array([1, 2, 3]).buffer }));
  assert.deepEqual(await queue.next(), { text: true, bytes: new TextEncoder().encode("héllo") });
  assert.deepEqual(await queue.next(), { text: false, bytes: new Uint8Array([1, 2, 3]) });
  assert.equal(queue.queuedBytes, 0);
});

test("a receive waits for the next message, then the close ends the stream", async () => {
  const socket = new EventTarget();
  const queue = new MessageQueue(socket);
  const waiting = queue.next();
  socket.dispatchEvent(message("message", { data: "late" }));
  assert.equal((await waiting).text, true);
  socket.dispatchEvent(message("close", { code: 4001, reason: "bye" }));
  assert.deepEqual(await queue.next(), { close: true, code: 4001, reason: "bye" });
  assert.deepEqual(await queue.next(), { close: true, code: 4001, reason: "bye" });
});

test("one receive at a time", async () => {
  const queue = new MessageQueue(new EventTarget());
  queue.next();
  await assert.rejects(queue.next(), /one ReceiveAsync at a time/);
});

test("a peer that sends past the cap closes the socket and fails the next receive; what waited is dropped", async () => {
  const socket = new EventTarget();
  let overflowed = 0;
  const queue = new MessageQueue(socket, 1000, () => overflowed++);
  for (let i = 0; i < 5; i++) socket.dispatchEvent(message("message", { data: new Uint8Array(300).buffer }));
  assert.equal(overflowed, 1);
  assert.equal(queue.queuedBytes, 0);
  await assert.rejects(queue.next(), /more than 1000 bytes .* closed with 1009/);
  // Later messages and the close change nothing.
  socket.dispatchEvent(message("message", { data: "more" }));
  socket.dispatchEvent(message("close", { code: 1009, reason: "" }));
  await assert.rejects(queue.next(), /1009/);
});

test("a failure (the request's end) rejects a waiting receive", async () => {
  const queue = new MessageQueue(new EventTarget());
  const waiting = queue.next();
  queue.fail(new Error("the request has ended"));
  await assert.rejects(waiting, /the request has ended/);
});

test("binary data is taken by its bytes, whatever realm its ArrayBuffer or view comes from", async () => {
  const socket = new EventTarget();
  const queue = new MessageQueue(socket);
  const view = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
  socket.dispatchEvent(message("message", { data: view }));
  assert.deepEqual((await queue.next()).bytes, new Uint8Array([8, 7]));
});

test("a lost connection is reported after what was received, once the grace period passes without a close", async () => {
  const socket = new EventTarget();
  const queue = new MessageQueue(socket, undefined, undefined, 20);
  socket.dispatchEvent(message("message", { data: "last words" }));
  socket.dispatchEvent(message("error", { message: "Network connection lost." }));
  assert.equal((await queue.next()).text, true);
  const started = Date.now();
  await assert.rejects(queue.next(), /Network connection lost/);
  assert.ok(Date.now() - started >= 15, "the receive waited out the grace period");
  // A receive after the grace period fails at once.
  await assert.rejects(queue.next(), /Network connection lost/);
});

test("a close event that comes turns after the error wins (workerd: a peer that drops TCP right after its close frame)", async () => {
  const socket = new EventTarget();
  const queue = new MessageQueue(socket, undefined, undefined, 1000);
  const waiting = queue.next();
  socket.dispatchEvent(message("error", { message: "Network connection lost." }));
  await new Promise((resolve) => setTimeout(resolve, 30));
  socket.dispatchEvent(message("close", { code: 1000, reason: "bye" }));
  assert.deepEqual(await waiting, { close: true, code: 1000, reason: "bye" });
  assert.deepEqual(await queue.next(), { close: true, code: 1000, reason: "bye" });
});

test("the request's end during the grace period fails the receive at once", async () => {
  const socket = new EventTarget();
  const queue = new MessageQueue(socket, undefined, undefined, 60_000);
  const waiting = queue.next();
  socket.dispatchEvent(message("error", { message: "Network connection lost." }));
  queue.fail(new Error("the request has ended"));
  await assert.rejects(waiting, /the request has ended/);
});
