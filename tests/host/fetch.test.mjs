// Outbound HTTP in the JS host (src/Pmcp.Workers/host/fetch.mjs), with fetch() replaced by a stand-in: Cloudflare's
// subrequest refusal (which workerd does not raise locally) and Workers' cf options, through both of .NET's clients.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fetchImports, routeRuntimeHttp } from "../../src/Pmcp.Workers/host/fetch.mjs";
import { RequestState } from "../../src/Pmcp.Workers/host/request-state.mjs";

let calls;
let answer;
globalThis.fetch = async (url, init) => {
  calls.push({ url, init });
  return answer();
};

beforeEach(() => {
  calls = [];
  answer = () => new Response("ok", { status: 200 });
});

/** One request's state and the completions .NET would get; run() plays the request's own loop. */
function request() {
  const requests = new Map();
  const state = new RequestState({}, null, () => {}, () => {});
  requests.set(1, state);
  const outcomes = [];
  const complete = (operation, error, value) => outcomes.push({ operation, error, value });
  async function run() {
    for (let i = 0; i < 10; i++) {
      state.inbox.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { requests, state, outcomes, complete, run };
}

const TOO_MANY = () => Promise.reject(new Error("Too many subrequests."));

test("WorkersHttpHandler: Cloudflare's subrequest refusal names the limit and the setting", async () => {
  const r = request();
  answer = TOO_MANY;
  const imports = fetchImports(r.requests, r.complete);
  assert.equal(imports.fetchStart(1, 7, 1, "GET", "https://api.example/x", [], "follow", 0, new Uint8Array(0), 0, null), null);
  await r.run();
  assert.equal(r.outcomes.length, 1);
  assert.match(r.outcomes[0].error, /as many subrequests .* as one request may/);
  assert.match(r.outcomes[0].error, /\[workers\.limits\] subrequests/);
  assert.match(r.outcomes[0].error, /Too many subrequests\./, "workerd's own words are kept");
});

test("other fetch failures keep their own message", async () => {
  const r = request();
  answer = () => Promise.reject(new Error("Network connection lost."));
  fetchImports(r.requests, r.complete).fetchStart(1, 1, 1, "GET", "https://api.example/x", [], "follow", 0, new Uint8Array(0), 0, null);
  await r.run();
  assert.equal(r.outcomes[0].error, "Network connection lost.");
});

test("WorkersHttpHandler: cf options reach fetch() as an object", async () => {
  const r = request();
  const cf = JSON.stringify({ cacheTtl: 300, cacheEverything: true, cacheTtlByStatus: { "200-299": 60 } });
  fetchImports(r.requests, r.complete).fetchStart(1, 1, 1, "GET", "https://api.example/x", ["accept", "text/plain"], "follow", 0, new Uint8Array(0), 0, cf);
  await r.run();
  assert.deepEqual(r.outcomes, [{ operation: 1, error: null, value: 200 }]);
  assert.deepEqual(calls[0].init.cf, { cacheTtl: 300, cacheEverything: true, cacheTtlByStatus: { "200-299": 60 } });
  assert.equal(calls[0].init.headers.get("accept"), "text/plain");
});

test("WorkersHttpHandler: without cf options, fetch() gets none", async () => {
  const r = request();
  fetchImports(r.requests, r.complete).fetchStart(1, 1, 1, "GET", "https://api.example/x", [], "follow", 0, new Uint8Array(0), 0, null);
  await r.run();
  assert.equal("cf" in calls[0].init, false);
});

test("a service binding: the request goes through env[binding].fetch(), not the global fetch()", async () => {
  const r = request();
  const sent = [];
  r.state.env = { AUTH: { fetch: async (url, init) => { sent.push({ url, init }); return new Response("from auth", { status: 201 }); } } };
  const imports = fetchImports(r.requests, r.complete);
  imports.fetchStart(1, 1, 1, "POST", "https://AUTH/verify", ["x-probe", "1"], "follow", 1, new Uint8Array([104, 105]), 0, null, "AUTH");
  await r.run();
  assert.deepEqual(r.outcomes, [{ operation: 1, error: null, value: 201 }]);
  assert.equal(calls.length, 0, "nothing went to the Internet");
  assert.equal(sent[0].url, "https://AUTH/verify");
  assert.equal(sent[0].init.method, "POST");
  assert.equal(sent[0].init.headers.get("x-probe"), "1");
  assert.ok(sent[0].init.signal instanceof AbortSignal, "the request's end can abort it");
});

test("an unknown service binding fails naming it and where to declare it", async () => {
  const r = request();
  r.state.env = { CACHE: { get() {} } };
  fetchImports(r.requests, r.complete).fetchStart(1, 1, 1, "GET", "https://AUTH/x", [], "follow", 0, new Uint8Array(0), 0, null, "AUTH");
  await r.run();
  assert.match(r.outcomes[0].error, /no service binding 'AUTH'/);
  assert.match(r.outcomes[0].error, /\[\[services\]\]/);
  assert.match(r.outcomes[0].error, /\[workers\.services\]/);
});

/** .NET's own browser handler (new HttpClient()), as the runtime calls it. */
function runtimeHttp(r) {
  const internals = {};
  routeRuntimeHttp(internals, r.requests, () => 1, () => new Uint8Array(0));
  return internals;
}

function settled(thenable) {
  return new Promise((resolve) => thenable.then((value) => resolve({ value }), (error) => resolve({ error })));
}

test("new HttpClient(): the subrequest refusal names the limit too", async () => {
  const r = request();
  answer = TOO_MANY;
  const http = runtimeHttp(r);
  const outcome = settled(http.http_wasm_fetch(http.http_wasm_create_controller(), "https://api.example/x", [], [], [], [], null));
  await r.run();
  const { error } = await outcome;
  assert.match(error.message, /\[workers\.limits\] subrequests/);
});

test("new HttpClient(): cf options set with SetCf (a JSON string option) reach fetch() as an object; others are dropped", async () => {
  const r = request();
  const http = runtimeHttp(r);
  const controller = http.http_wasm_create_controller();
  const outcome = settled(http.http_wasm_fetch(controller, "https://api.example/x", [], [], ["cf", "mode", "method"], ['{"cacheTtl":5}', "cors", "GET"], null));
  await r.run();
  assert.deepEqual(await outcome, { value: null });
  assert.deepEqual(calls[0].init.cf, { cacheTtl: 5 });
  assert.equal("mode" in calls[0].init, false, "workerd refuses browser-only options");
  assert.equal(http.http_wasm_get_response_status(controller), 200);
});

test("bindingKind: a service binding with JS RPC (every property a callable stub) is a service, not D1 or KV", async () => {
  const { bindingImports } = await import("../../src/Pmcp.Workers/host/bindings.mjs");
  const rpcStub = new Proxy({}, { get: (_, name) => (name === "then" ? undefined : () => {}) });
  const plainFetcher = { fetch() {}, connect() {} };
  const kv = { get() {}, put() {}, list() {}, delete() {}, getWithMetadata() {} };
  const requests = new Map([[1, { env: { RPC: rpcStub, PLAIN: plainFetcher, KV: kv } }]]);
  const { bindingKind } = bindingImports(requests);
  assert.equal(bindingKind(1, "RPC"), "service");
  assert.equal(bindingKind(1, "PLAIN"), "service");
  assert.equal(bindingKind(1, "KV"), "kv");
  assert.equal(bindingKind(1, "NONE"), null);
});
