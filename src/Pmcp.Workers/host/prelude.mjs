// Runs before the .NET runtime's modules are evaluated (the generated shim.mjs imports it first).
//
// 1. nodejs_compat defines globalThis.process; .NET's loader would then take its Node.js paths (fs, module) and hang
//    inside workerd. Hide it until .NET has booted; restoreProcess() gives user JavaScript its process back.
// 2. Install the timer table (timers.mjs): .NET schedules its work pump with setTimeout, which workerd forbids in global
//    scope and cancels when the request that armed it ends.
// 3. crypto.getRandomValues is forbidden in global scope too. During startup only, it is served from Math.random and
//    every draw is counted, so the build can prove the warm-up draws nothing (see docs/security.md: hash seeds).
import { installTimers } from "./timers.mjs";

const realProcess = globalThis.process;
if (realProcess !== undefined) {
  try { delete globalThis.process; } catch { /* not configurable */ }
  if (globalThis.process !== undefined) globalThis.process = undefined;
}

export function restoreProcess() {
  if (realProcess !== undefined) globalThis.process = realProcess;
}

export const startup = { active: true, randomDraws: 0, randomBytes: 0 };

installTimers(startup);

const realGetRandomValues = crypto.getRandomValues.bind(crypto);
crypto.getRandomValues = (view) => {
  if (!startup.active) return realGetRandomValues(view);
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.random() * 256) | 0;
  startup.randomDraws++;
  startup.randomBytes += bytes.length;
  return view;
};
