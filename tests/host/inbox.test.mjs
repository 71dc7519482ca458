// Work posted to a request's inbox (src/Pmcp.Workers/host/inbox.mjs) runs in the owner's loop, and operations report
// their outcome once, through the completion .NET gave.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Inbox, deliver, submitter } from "../../src/Pmcp.Workers/host/inbox.mjs";
import { RequestState } from "../../src/Pmcp.Workers/host/request-state.mjs";

test("posted work waits for the owner to run it, in order", async () => {
  const inbox = new Inbox();
  const ran = [];
  const woken = inbox.posted();
  inbox.post(() => ran.push(1));
  inbox.post(() => ran.push(2));
  await woken;
  assert.deepEqual(ran, [], "nothing runs until the owner's loop runs it");
  inbox.run();
  assert.deepEqual(ran, [1, 2]);
  inbox.run();
  assert.deepEqual(ran, [1, 2], "work runs once");
});

test("posted() resolves at once when work is already waiting", async () => {
  const inbox = new Inbox();
  inbox.post(() => {});
  await inbox.posted(); // would hang (and the test time out) if it waited for the next post
});

test("a throwing item does not stop the ones after it", () => {
  const inbox = new Inbox();
  const ran = [];
  const error = console.error;
  console.error = () => {};
  try {
    inbox.post(() => { throw new Error("boom"); });
    inbox.post(() => ran.push("after"));
    inbox.run();
  } finally {
    console.error = error;
  }
  assert.deepEqual(ran, ["after"]);
});

function harness() {
  const requests = new Map();
  const outcomes = [];
  const submit = submitter(requests, (operation, error, value, bytes) => outcomes.push(bytes === undefined ? { operation, error, value } : { operation, error, value, bytes }), "ended", "failed");
  return { requests, outcomes, submit };
}

async function drain(request) {
  for (let i = 0; i < 5; i++) {
    request.inbox.run();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("an operation's value reaches .NET from the owner's loop", async () => {
  const { requests, outcomes, submit } = harness();
  const request = new RequestState({}, null, () => {}, () => {});
  requests.set(1, request);
  assert.equal(submit(1, 41, async () => 7), null);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(outcomes, [], "not before the owner runs its inbox");
  await drain(request);
  assert.deepEqual(outcomes, [{ operation: 41, error: null, value: 7 }]);
});

test("bytes an operation delivers cross with its completion, with the number beside them", async () => {
  const { requests, outcomes, submit } = harness();
  const request = new RequestState({}, null, () => {}, () => {});
  requests.set(1, request);
  const chunk = new Uint8Array([1, 2, 3]);
  submit(1, 5, async () => deliver(chunk));
  submit(1, 6, async () => deliver(chunk, -1));
  await drain(request);
  assert.deepEqual(outcomes, [{ operation: 5, error: null, value: 0, bytes: chunk }, { operation: 6, error: null, value: -1, bytes: chunk }]);
});

test("a failed operation reports its message, or the family's word when it has none", async () => {
  const { requests, outcomes, submit } = harness();
  const request = new RequestState({}, null, () => {}, () => {});
  requests.set(1, request);
  submit(1, 1, async () => { throw new Error("refused"); });
  submit(1, 2, () => { throw ""; });
  await drain(request);
  assert.deepEqual(outcomes, [{ operation: 1, error: "refused", value: 0 }, { operation: 2, error: "failed", value: 0 }]);
});

test("an operation for a request that has ended is refused at once", () => {
  const { submit, outcomes } = harness();
  assert.equal(submit(99, 1, async () => 1), "ended");
  assert.deepEqual(outcomes, []);
});
