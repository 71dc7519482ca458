// Durable Object storage and stubs in the JS host (src/Pmcp.Workers/host/bindings.mjs, fetch.mjs), with workerd's
// objects replaced by stand-ins: a storage call runs on the storage of the object whose event the request is, and is
// refused from any other request; a stub's fetch goes to env.BINDING.get(idFromString(id)).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bindingImports } from "../../src/Pmcp.Workers/host/bindings.mjs";
import { fetchImports } from "../../src/Pmcp.Workers/host/fetch.mjs";
import { RequestState } from "../../src/Pmcp.Workers/host/request-state.mjs";

/** A stand-in for ctx.storage's key-value API. */
function storage() {
  const values = new Map();
  return {
    values,
    get: async (key) => values.get(key),
    put: async (key, value) => void values.set(key, value),
    delete: async (key) => values.delete(key),
    deleteAll: async () => values.clear(),
    list: async () => new Map([...values].sort()),
  };
}

/** Requests 1 (an event of object instance 5) and 2 (a Worker request), and the completions .NET would get. */
function setup(env = {}) {
  const requests = new Map();
  const event = new RequestState(env, null, () => {}, () => {});
  event.object = { className: "Counter", instance: 5, state: { storage: storage() }, blocks: new Map(), nextBlock: 1 };
  requests.set(1, event);
  requests.set(2, new RequestState(env, null, () => {}, () => {}));
  const outcomes = [];
  const complete = (operation, error, value, bytes) => outcomes.push({ operation, error, value, text: bytes && new TextDecoder().decode(bytes) });
  async function run() {
    for (let i = 0; i < 10; i++) {
      for (const state of requests.values()) state.inbox.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { requests, event, outcomes, complete, run };
}

test("storage calls run on the object of the event, values as JSON text", async () => {
  const r = setup();
  const imports = bindingImports(r.requests, r.complete);
  assert.equal(imports.bindingCall(1, 1, "5", "do.put", JSON.stringify({ key: "count" }), new Uint8Array(new TextEncoder().encode("41"))), null);
  await r.run();
  assert.equal(r.event.object.state.storage.values.get("count"), "41");
  imports.bindingCall(1, 2, "5", "do.get", "count", new Uint8Array(0));
  imports.bindingCall(1, 3, "5", "do.get", "missing", new Uint8Array(0));
  await r.run();
  assert.deepEqual(r.outcomes.slice(1).map((o) => [o.error, o.value, o.text]), [[null, 0, "41"], [null, -1, ""]]);
});

test("a value JavaScript stored reads as its JSON", async () => {
  const r = setup();
  r.event.object.state.storage.values.set("note", { title: "hi", stars: 3 });
  bindingImports(r.requests, r.complete).bindingCall(1, 1, "5", "do.get", "note", new Uint8Array(0));
  await r.run();
  assert.equal(r.outcomes[0].text, '{"title":"hi","stars":3}');
});

test("storage calls from a Worker request or for another object are refused", async () => {
  const r = setup();
  const imports = bindingImports(r.requests, r.complete);
  imports.bindingCall(2, 1, "5", "do.get", "count", new Uint8Array(0));
  imports.bindingCall(1, 2, "6", "do.get", "count", new Uint8Array(0));
  await r.run();
  assert.equal(r.outcomes.length, 2);
  for (const outcome of r.outcomes) assert.match(outcome.error, /State\.Storage was used outside an event of that object/);
});

test("a namespace binding is recognised, and makes ids", () => {
  const namespace = {
    idFromName: (name) => ({ toString: () => `name:${name}` }),
    newUniqueId: () => ({ toString: () => "unique" }),
    idFromString: (hex) => ({ toString: () => hex }),
    get: () => null,
  };
  const r = setup({ COUNTER: namespace });
  const imports = bindingImports(r.requests, r.complete);
  assert.equal(imports.bindingKind(2, "COUNTER"), "durable_object");
  assert.equal(imports.objectId(2, "COUNTER", "name", "room"), "name:room");
  assert.equal(imports.objectId(2, "COUNTER", "unique", ""), "unique");
  assert.throws(() => imports.objectId(2, "NOPE", "name", "x"), /no Durable Object namespace 'NOPE'/);
});

test("a stub's fetch goes to the object of the id, in the calling request", async () => {
  const seen = [];
  const namespace = {
    idFromString: (hex) => ({ hex }),
    get: (id) => ({ fetch: async (url, init) => { seen.push({ id: id.hex, url, method: init.method }); return new Response("from the object", { status: 201 }); } }),
  };
  const r = setup({ COUNTER: namespace });
  const imports = fetchImports(r.requests, r.complete);
  assert.equal(imports.fetchStart(2, 9, 1, "POST", "https://counter/increment", [], "follow", 0, new Uint8Array(0), 0, null, `durable:COUNTER/${"ab".repeat(32)}`), null);
  await r.run();
  assert.deepEqual(seen, [{ id: "ab".repeat(32), url: "https://counter/increment", method: "POST" }]);
  assert.deepEqual(r.outcomes.map((o) => [o.error, o.value]), [[null, 201]]);

  imports.fetchStart(2, 10, 2, "GET", "https://x/", [], "follow", 0, new Uint8Array(0), 0, null, "durable:MISSING/00");
  await r.run();
  assert.match(r.outcomes[1].error, /no Durable Object namespace 'MISSING'.*\[workers\.durable_objects\]/);
});
