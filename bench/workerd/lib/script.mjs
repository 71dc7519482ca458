// What every benchmark script here does the same way: fail with a message, and a scratch folder gone at exit.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Prints `error: message` and exits with 2 (a usage or set-up problem, not a measurement). */
export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

/** A fresh temporary folder named `prefix…`, removed when the process exits, also on Ctrl-C or SIGTERM. */
export function scratchFolder(prefix) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => fs.rmSync(folder, { recursive: true, force: true }));
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
  return folder;
}
