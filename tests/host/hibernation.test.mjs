// Durable Objects' hibernatable WebSockets in the JS host (src/Pmcp.Workers/host/hibernation.mjs), with workerd's
// sockets and state replaced by stand-ins: the sockets workerd kept through hibernation are adopted with their tags,
// lists filter by tag and leave closing sockets out, attachments live on the socket, and accepting or sending runs in
// the event's own request and nowhere else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adopt, closeCodeToSend, hibernationImports, objectSockets } from "../../src/Pmcp.Workers/host/hibernation.mjs";
import { RequestState } from "../../src/Pmcp.Workers/host/request-state.mjs";

/** A stand-in for a hibernatable server WebSocket. */
function socket() {
  let attachment = null;
  return {
    readyState: 1,
    sent: [],
    send(data) {
      this.sent.push(data);
    },
    close(code, reason) {
      this.readyState = 3;
      this.closed = [code, reason];
    },
    serializeAttachment: (value) => void (attachment = value),
    deserializeAttachment: () => attachment,
  };
}

/** A state whose workerd kept `kept` (socket → tags) while the object hibernated. */
function state(kept = new Map()) {
  const accepted = [];
  return {
    accepted,
    getWebSockets: () => [...kept.keys()],
    getTags: (ws) => kept.get(ws) ?? [],
    acceptWebSocket: (ws, tags) => accepted.push([ws, tags]),
  };
}

function setup(kept) {
  const object = { className: "ChatRoom", instance: 7, state: state(kept), sockets: null };
  object.sockets = objectSockets(object.state);
  const objects = new Map([[7, object]]);
  const requests = new Map();
  const event = new RequestState({}, null, () => {}, () => {});
  event.object = object;
  requests.set(1, event);
  requests.set(2, new RequestState({}, null, () => {}, () => {}));
  const outcomes = [];
  const complete = (operation, error, value) => outcomes.push({ operation, error, value });
  async function run() {
    for (let i = 0; i < 5; i++) {
      for (const request of requests.values()) request.inbox.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { object, event, outcomes, run, imports: hibernationImports(requests, complete, objects) };
}

test("a re-created object adopts the sockets workerd kept, with their tags and attachments", () => {
  const ann = socket();
  const bob = socket();
  ann.serializeAttachment('{"user":"ann"}');
  const r = setup(new Map([[ann, ["red"]], [bob, ["blue"]]]));

  assert.deepEqual(r.imports.objectWebSockets(7, null), [1, 2]);
  assert.deepEqual(r.imports.objectWebSockets(7, "blue"), [2]);
  assert.deepEqual(r.imports.objectWebSocketTags(7, 1), ["red"]);
  assert.equal(r.imports.objectWebSocketAttachment(7, 1), '{"user":"ann"}');
  assert.equal(r.imports.objectWebSocketAttachment(7, 2), null);
  // The event's socket is the same object: it keeps its handle.
  assert.equal(adopt(r.object.sockets, bob, () => ["ignored"]), 2);
});

test("closing and closed sockets are not listed; an unknown handle is refused with why", () => {
  const ann = socket();
  const bob = socket();
  const r = setup(new Map([[ann, []], [bob, []]]));
  r.object.sockets.byHandle.get(1).closing = true;
  bob.readyState = 3;

  assert.deepEqual(r.imports.objectWebSockets(7, null), []);
  assert.throws(() => r.imports.objectWebSocketAttachment(7, 9), /no open WebSocket 9/);
  assert.throws(() => r.imports.objectWebSockets(8, null), /no longer in memory/);
});

test("accept runs in the object's own event: the client end answers the event, the server end is the state's", async () => {
  globalThis.WebSocketPair = class {
    constructor() {
      this[0] = { side: "client" };
      this[1] = socket();
    }
  };
  try {
    const r = setup();
    assert.equal(r.imports.objectWebSocketAccept(1, 1, 7, ["lobby"]), null);
    assert.equal(r.imports.objectWebSocketAccept(2, 2, 7, []), null); // a Worker request, not the object's event
    await r.run();

    assert.deepEqual(r.outcomes, [{ operation: 1, error: null, value: 1 }, { operation: 2, error: "State.AcceptWebSocketAsync was called outside the object's own event", value: 0 }]);
    assert.equal(r.event.upgrade.client.side, "client");
    assert.deepEqual(r.object.state.accepted.map(([, tags]) => tags), [["lobby"]]);
    assert.deepEqual(r.imports.objectWebSockets(7, "lobby"), [1]);
  } finally {
    delete globalThis.WebSocketPair;
  }
});

test("send and close run in the event's inbox; text is decoded, bytes are copied", async () => {
  const ann = socket();
  const r = setup(new Map([[ann, []]]));
  const bytes = new Uint8Array([104, 105]);
  r.imports.objectWebSocketSend(1, 1, 7, 1, true, bytes);
  r.imports.objectWebSocketSend(1, 2, 7, 1, false, bytes);
  bytes[0] = 0; // .NET's memory may change once the call has returned
  assert.deepEqual(ann.sent, []);
  await r.run();
  assert.equal(ann.sent[0], "hi");
  assert.deepEqual([...ann.sent[1]], [104, 105]);

  r.imports.objectWebSocketClose(1, 3, 7, 1, 4000, "bye");
  await r.run();
  assert.deepEqual(ann.closed, [4000, "bye"]);
  assert.deepEqual(r.outcomes.map((o) => o.error), [null, null, null]);
});

test("a close code a server may not send is answered with 1000", () => {
  assert.equal(closeCodeToSend(4000), 4000);
  assert.equal(closeCodeToSend(1001), 1001);
  assert.equal(closeCodeToSend(1005), 1000);
  assert.equal(closeCodeToSend(1006), 1000);
});
