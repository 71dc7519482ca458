// The timer table (src/Pmcp.Workers/host/timers.mjs): startup plays timers in virtual time; after it, a timer fires once
// even when it is re-armed from another context; awaitDotnet runs the inbox while it waits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installTimers, rearmTimers, runStartup, awaitDotnet, pendingTimerCount } from "../../src/Pmcp.Workers/host/timers.mjs";
import { Inbox } from "../../src/Pmcp.Workers/host/inbox.mjs";

const startup = { active: true };
installTimers(startup);

test("startup plays short timers in virtual time, in order, and leaves long ones for later", async () => {
  const fired = [];
  const boot = (async () => {
    await new Promise((resolve) => setTimeout(() => { fired.push("50ms"); resolve(); }, 50));
    await new Promise((resolve) => setTimeout(() => { fired.push("0ms"); resolve(); }, 0));
    return setTimeout(() => fired.push("long"), 60_000);
  })();
  const started = Date.now();
  const long = await runStartup(boot);
  assert.ok(Date.now() - started < 1000, "virtual time: nothing actually waited 50 ms per hop");
  assert.deepEqual(fired, ["50ms", "0ms"]);
  assert.equal(pendingTimerCount(), 1, "the long timer waits for the first request");
  startup.active = false;
  rearmTimers();
  clearTimeout(long);
  assert.equal(pendingTimerCount(), 0);
});

test("a timer re-armed many times fires exactly once", async () => {
  let fires = 0;
  setTimeout(() => fires++, 5);
  for (let i = 0; i < 10; i++) rearmTimers();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(fires, 1);
});

test("a cleared timer never fires", async () => {
  let fired = false;
  const id = setTimeout(() => { fired = true; }, 5);
  clearTimeout(id);
  rearmTimers();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, false);
});

test("awaitDotnet runs work posted to the request's inbox while it waits, and after", async () => {
  const inbox = new Inbox();
  const ran = [];
  let finish;
  const dotnet = new Promise((resolve) => { finish = resolve; });
  const waiting = awaitDotnet(dotnet, inbox);
  inbox.post(() => ran.push("while waiting"));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(ran, ["while waiting"]);
  inbox.post(() => ran.push("posted as .NET finished"));
  finish("result");
  assert.equal(await waiting, "result");
  assert.deepEqual(ran, ["while waiting", "posted as .NET finished"]);
});

test("awaitDotnet passes .NET's failure on", async () => {
  await assert.rejects(awaitDotnet(Promise.reject(new Error("tool failed")), new Inbox()), { message: "tool failed" });
});
