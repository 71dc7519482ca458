// A real PostgreSQL for the Hyperdrive tests, without installing a server: PGlite (Postgres compiled to wasm) served
// over the wire protocol, behind a small front that adds what PGlite's socket server lacks.
//
//   node postgres-server.mjs --user app:scram-sha-256:secret --user legacy:md5:pw --user plain:password:pw [--port 0]
//
// - Authentication: PGlite trusts everyone; the front authenticates each user with the method it is given (trust,
//   password, md5, scram-sha-256) as a real server does, then hands the connection to PGlite. A wrong password is a
//   FATAL 28P01 ErrorResponse, as from Postgres.
// - One connection at a time: PGlite is a single session, and its socket server multiplexes connections message by
//   message, so two clients' extended-query messages (unnamed statement, portal, implicit transaction) would mix.
//   The front queues whole connections instead, as a pool limit of one would: a client waits until the previous
//   connection has closed. Tests must therefore never hold one connection while opening another.
// - Prints one line, {"port":N}, once it listens; exits when its stdin closes (the test process that started it ended).
import net from "node:net";
import crypto from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SCRAM_ITERATIONS = 4096;

const users = new Map();
let port = 0;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--port") port = Number(argv[++i]);
  else if (argv[i] === "--user") {
    const [name, method, ...rest] = argv[++i].split(":");
    if (!["trust", "password", "md5", "scram-sha-256"].includes(method)) throw new Error(`unknown auth method ${method}`);
    users.set(name, { method, password: rest.join(":") });
  } else throw new Error(`unknown argument ${argv[i]}`);
}

const db = await PGlite.create();
const backend = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 1 });
await backend.start();

// ---- one connection at a time ----
const waiting = [];
let busy = false;

function acquire() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    pump();
  });
}

function pump() {
  if (busy || waiting.length === 0) return;
  busy = true;
  waiting.shift()();
}

/** Frees the slot once PGlite's server has let go of the previous connection (it refuses a second one). */
function release() {
  const check = () => {
    if (backend.getStats().activeConnections > 0) return setTimeout(check, 1);
    busy = false;
    pump();
  };
  check();
}

// ---- the front ----
const front = net.createServer((socket) => {
  socket.setNoDelay(true);
  serve(socket).catch(() => socket.destroy());
});
front.listen(port, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: front.address().port }) + "\n");
});
process.stdin.resume();
process.stdin.on("end", shutdown);
process.on("SIGTERM", shutdown);

async function shutdown() {
  front.close();
  await backend.stop();
  await db.close();
  process.exit(0);
}

async function serve(socket) {
  const reader = new Reader(socket);
  let startup;
  for (;;) {
    const length = (await reader.read(4)).readInt32BE(0);
    const body = await reader.read(length - 4);
    const code = body.readInt32BE(0);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      socket.write("N"); // no TLS: the client goes on in plain text, as against a server without ssl
      continue;
    }
    if (code === CANCEL_REQUEST) return socket.end();
    if (code !== PROTOCOL_3) return fatal(socket, "0A000", `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
    startup = Buffer.concat([int32(length), body]);
    break;
  }

  const params = parseStartup(startup.subarray(8));
  const user = params.get("user") ?? "";
  const entry = users.get(user) ?? users.get("*");
  if (!entry) return fatal(socket, "28P01", `password authentication failed for user "${user}"`);
  if (!(await authenticate(socket, reader, user, entry))) {
    return fatal(socket, "28P01", `password authentication failed for user "${user}"`);
  }

  await acquire();
  if (socket.destroyed || socket.readableEnded) {
    release(); // the client gave up while it waited for its turn
    return;
  }
  const upstream = net.connect(backend.port, "127.0.0.1");
  upstream.setNoDelay(true);
  let released = false;
  const close = () => {
    socket.destroy();
    upstream.destroy();
    if (!released) {
      released = true;
      release();
    }
  };
  upstream.on("error", close);
  upstream.on("close", close);
  socket.on("error", close);
  socket.on("close", close);
  upstream.write(startup);
  const rest = reader.detach();
  if (rest.length > 0) upstream.write(rest);
  socket.pipe(upstream);
  upstream.pipe(socket);
}

async function authenticate(socket, reader, user, { method, password }) {
  if (method === "trust") return true;
  if (method === "password") {
    socket.write(message("R", int32(3)));
    return (await readPassword(reader)).toString("utf8").replace(/\0$/, "") === password;
  }
  if (method === "md5") {
    const salt = crypto.randomBytes(4);
    socket.write(message("R", Buffer.concat([int32(5), salt])));
    const inner = md5Hex(Buffer.from(password + user, "utf8"));
    const expected = "md5" + md5Hex(Buffer.concat([Buffer.from(inner, "ascii"), salt]));
    return (await readPassword(reader)).toString("utf8").replace(/\0$/, "") === expected;
  }
  return scram(socket, reader, password);
}

/** SCRAM-SHA-256 (RFC 5802, RFC 7677) as Postgres runs it: no channel binding, the user name taken from the startup. */
async function scram(socket, reader, password) {
  socket.write(message("R", Buffer.concat([int32(10), Buffer.from("SCRAM-SHA-256\0\0", "ascii")])));
  const initial = await readPassword(reader);
  const mechanismEnd = initial.indexOf(0);
  if (initial.subarray(0, mechanismEnd).toString("ascii") !== "SCRAM-SHA-256") return false;
  const clientFirst = initial.subarray(mechanismEnd + 5).toString("utf8");
  if (!clientFirst.startsWith("n,,")) return false;
  const clientFirstBare = clientFirst.slice(3);
  const clientNonce = attribute(clientFirstBare, "r");
  if (!clientNonce) return false;

  const salt = saltOf(password);
  const nonce = clientNonce + crypto.randomBytes(18).toString("base64");
  const serverFirst = `r=${nonce},s=${salt.toString("base64")},i=${SCRAM_ITERATIONS}`;
  socket.write(message("R", Buffer.concat([int32(11), Buffer.from(serverFirst, "utf8")])));

  const clientFinal = (await readPassword(reader)).toString("utf8");
  const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(",p="));
  if (attribute(clientFinal, "c") !== "biws" || attribute(clientFinal, "r") !== nonce) return false;
  const proof = Buffer.from(attribute(clientFinal, "p") ?? "", "base64");

  const salted = crypto.pbkdf2Sync(Buffer.from(password, "utf8"), salt, SCRAM_ITERATIONS, 32, "sha256");
  const storedKey = sha256(hmac(salted, "Client Key"));
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientSignature = hmac(storedKey, authMessage);
  if (proof.length !== 32) return false;
  const clientKey = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) clientKey[i] = proof[i] ^ clientSignature[i];
  if (!crypto.timingSafeEqual(sha256(clientKey), storedKey)) return false;

  const serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
  socket.write(message("R", Buffer.concat([int32(12), Buffer.from(`v=${serverSignature.toString("base64")}`, "utf8")])));
  return true;
}

/** One salt per password for the server's life, as PostgreSQL stores one per role (clients may cache the derived key). */
const salts = new Map();
function saltOf(password) {
  if (!salts.has(password)) salts.set(password, crypto.randomBytes(16));
  return salts.get(password);
}

async function readPassword(reader) {
  const head = await reader.read(5);
  if (head[0] !== 0x70) throw new Error(`expected a password message, got ${String.fromCharCode(head[0])}`);
  return reader.read(head.readInt32BE(1) - 4);
}

function attribute(text, name) {
  for (const part of text.split(",")) if (part.startsWith(name + "=")) return part.slice(name.length + 1);
  return null;
}

function parseStartup(bytes) {
  const params = new Map();
  const parts = bytes.toString("utf8").split("\0");
  for (let i = 0; i + 1 < parts.length && parts[i] !== ""; i += 2) params.set(parts[i], parts[i + 1]);
  return params;
}

function fatal(socket, code, text) {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, "utf8");
  socket.end(message("E", fields));
}

function message(type, body) {
  const head = Buffer.alloc(5);
  head.write(type, 0, "ascii");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function int32(value) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value, 0);
  return b;
}

const md5Hex = (bytes) => crypto.createHash("md5").update(bytes).digest("hex");
const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest();
const hmac = (key, text) => crypto.createHmac("sha256", key).update(text).digest();

/** Reads exact byte counts from a socket; detach() hands back what was read ahead and stops listening. */
class Reader {
  #buffer = Buffer.alloc(0);
  #wake = null;
  #ended = false;
  #socket;
  #onData = (chunk) => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#wake?.();
  };
  #onEnd = () => {
    this.#ended = true;
    this.#wake?.();
  };

  constructor(socket) {
    this.#socket = socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
  }

  async read(count) {
    while (this.#buffer.length < count) {
      if (this.#ended) throw new Error("client went away");
      await new Promise((resolve) => { this.#wake = resolve; });
    }
    const bytes = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return bytes;
  }

  detach() {
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("close", this.#onEnd);
    this.#socket.pause();
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }
}
