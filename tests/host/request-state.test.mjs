// The per-request state of the JS host (src/Pmcp.Workers/host/request-state.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RequestState, resourceKind } from "../../src/Pmcp.Workers/host/request-state.mjs";

function state() {
  return new RequestState({ NAME: "value" }, null, () => {}, () => {});
}

test("resources of different kinds never share an id's slot", () => {
  const released = [];
  const socket = resourceKind("the socket is closed", (value) => released.push(value));
  const body = resourceKind("the body is closed", (value) => released.push(value));
  const request = state();
  const a = request.open(socket, "socket-a");
  request.put(body, a, "body-under-the-same-number");
  assert.equal(request.get(socket, a), "socket-a");
  assert.equal(request.get(body, a), "body-under-the-same-number");
  assert.equal(request.openResources, 2);
});

test("a missing resource throws its kind's message", () => {
  const kind = resourceKind("the socket is closed", () => {});
  const request = state();
  assert.throws(() => request.get(kind, 7), { message: "the socket is closed" });
  assert.equal(request.find(kind, 7), undefined);
});

test("delete forgets one resource and returns it; the end releases only what is left", () => {
  const released = [];
  const kind = resourceKind("closed", (value, reason) => released.push([value, reason.message]));
  const request = state();
  const first = request.open(kind, "first");
  request.open(kind, "second");
  assert.equal(request.delete(kind, first), "first");
  assert.equal(request.delete(kind, first), undefined);
  request.close(new Error("ended"));
  assert.deepEqual(released, [["second", "ended"]]);
  assert.equal(request.openResources, 0);
});

test("one failing release does not keep the others open", () => {
  const released = [];
  const failing = resourceKind("closed", () => { throw new Error("boom"); });
  const fine = resourceKind("closed", (value) => released.push(value));
  const request = state();
  request.open(failing, 1);
  request.open(fine, "kept going");
  request.close(new Error("ended"));
  assert.deepEqual(released, ["kept going"]);
});

test("the end rejects what .NET still waits for", () => {
  const request = state();
  const rejected = [];
  request.unsettled.add({ reject: (reason) => rejected.push(reason.message) });
  request.close(new Error("the request has ended"));
  assert.deepEqual(rejected, ["the request has ended"]);
  assert.equal(request.unsettled.size, 0);
});
