// Bindings for .NET (Pmcp.Workers.Bindings): KV, D1, R2 and the rest, each operation a host operation.
//
// bindingCall(requestId, operation, name, kind, argumentsText, payload) starts the operation and returns at once
// (null, or why it cannot start); it runs in the context of the request whose env holds the binding, posted to that
// request's inbox like every other I/O (inbox.mjs): .NET may call from a continuation that runs in another request's
// context, and a KV promise made there would belong to that request and die with it (seen as "WebWorker which is
// origin of the Promise is being terminated" under overlapping requests). Its outcome reaches .NET with its bytes
// through WorkerExports.OperationDelivered: the result's JSON in UTF-8, or for a KV read the value itself (below).
// Arguments are JSON, except for the operations in TEXT_ARGUMENT, which take one string as it is. Binary input (KV
// values, R2 bodies, D1 blobs) arrives as one payload view, copied before bindingCall returns because it points into
// .NET memory that is only valid during the call.
import { Delivery, deliver, submitter } from "./inbox.mjs";

const encoder = new TextEncoder();

/**
 * @param {Map<number, import("./request-state.mjs").RequestState>} requests the host's live requests by id.
 * @param {(operation: number, error: string | null, value: number) => void} complete reports to .NET.
 */
export function bindingImports(requests, complete) {
  const submit = submitter(requests, complete, "the binding's request has ended", "the binding call failed");

  return {
    /** "kv", "d1", "r2", "hyperdrive", "service", "durable_object", or null: what the env entry looks like (each has its own methods). */
    bindingKind(requestId, name) {
      const b = requests.get(requestId)?.env?.[name];
      if (b == null || (typeof b !== "object" && typeof b !== "function")) return null;
      const has = (...methods) => methods.every((m) => typeof b[m] === "function");
      // A service binding (a Fetcher) answers any property name with a callable RPC stub, so it would pass every check
      // below: recognise it first, by its class or by a name no binding has.
      if (typeof b.fetch === "function" && (b.constructor?.name === "Fetcher" || typeof b["pmcp:no-such-method"] === "function")) return "service";
      if (has("idFromName", "newUniqueId", "idFromString", "get")) return "durable_object";
      if (has("prepare", "batch", "exec")) return "d1";
      if (has("head", "put", "list", "get", "delete")) return "r2";
      if (has("get", "put", "list", "delete", "getWithMetadata")) return "kv";
      if (typeof b.connectionString === "string") return "hyperdrive";
      if (typeof b.fetch === "function") return "service";
      return null;
    },

    /** A Hyperdrive binding's connection string and parts, or null. */
    hyperdrive(requestId, name) {
      const b = requests.get(requestId)?.env?.[name];
      if (b == null || typeof b.connectionString !== "string") return null;
      return [b.connectionString, String(b.host ?? ""), String(b.port ?? ""), String(b.user ?? ""), String(b.password ?? ""), String(b.database ?? "")];
    },

    /** An id of the Durable Object namespace env[name], as hex: how is "name", "unique" or "string". Throws when refused. */
    objectId(requestId, name, how, value) {
      const namespace = requests.get(requestId)?.env?.[name];
      if (namespace == null || typeof namespace.idFromName !== "function") throw new Error(`no Durable Object namespace '${name}' in this request's env`);
      const id = how === "name" ? namespace.idFromName(value) : how === "unique" ? namespace.newUniqueId() : namespace.idFromString(value);
      return id.toString();
    },

    /** Ends the blockConcurrencyWhile that "do.block" opened for the object of this event. */
    objectUnblock(requestId, block, error) {
      const object = requests.get(requestId)?.object;
      const gate = object?.blocks.get(block);
      if (!gate) return;
      object.blocks.delete(block);
      if (error == null) gate.release();
      else gate.fail(new Error(error));
    },

    bindingCall(requestId, operation, name, kind, argumentsText, payload) {
      let bytes;
      try {
        bytes = payload.length > 0 ? copyView(payload) : (payload?.dispose?.(), EMPTY);
      } catch (e) {
        return String(e?.message ?? e);
      }
      if (!requests.has(requestId)) return `pmcp: binding '${name}' was used after its request ended`;
      const op = OPERATIONS[kind];
      if (!op) return `pmcp: unknown binding operation '${kind}'`;
      return submit(requestId, operation, async (request) => {
        const binding = kind.startsWith("do.") ? objectOf(request, name) : request.env?.[name];
        if (binding == null) throw new Error(`pmcp: no binding '${name}' in this Worker's env`);
        const result = await op(binding, TEXT_ARGUMENT.has(kind) ? argumentsText : JSON.parse(argumentsText), bytes);
        return result instanceof Delivery ? result : deliver(encoder.encode(JSON.stringify(result) ?? "null"));
      });
    },
  };
}

/** Operations whose argument is one string, passed as it is rather than as JSON. */
const TEXT_ARGUMENT = new Set(["kv.get", "do.get"]);

/**
 * The Durable Object whose event this request is, when it is the one numbered instance ("do.*" operations name it):
 * an object's storage belongs to its own events, in their I/O context.
 */
function objectOf(request, instance) {
  const object = request.object;
  if (object == null || String(object.instance) !== instance) {
    throw new Error("a Durable Object's State.Storage was used outside an event of that object (from a Worker request, or another object's event); use it while the object handles a request");
  }
  return object;
}

const decoder = new TextDecoder();

/** A stored value as .NET reads it: JSON text (.NET writes JSON text; a value JavaScript stored is written as JSON). */
function storedJson(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A SQL cursor's rows in column order, with what D1 statements return (JsD1Backend reads both alike). */
function sqlResult(cursor) {
  const rows = cursor.raw().toArray().map((row) => row.map(d1Value));
  return { columns: cursor.columnNames, rows, meta: { rows_read: cursor.rowsRead, rows_written: cursor.rowsWritten } };
}

/** Parameters as D1 statements carry them (prepare below): blobs come out of the call's payload. */
function sqlParams(params, bytes) {
  return (params ?? []).map((p) => (p !== null && typeof p === "object" ? bytes.slice(p.blob[0], p.blob[0] + p.blob[1]).buffer : p));
}

const EMPTY = new Uint8Array(0);

/**
 * Copies the bytes of a view of .NET memory (a MemoryView argument) and disposes the view: the view pins its
 * array with a GC handle until disposed, and a start-up image must not hold such handles (snapshot.mjs).
 */
export function copyView(view) {
  try {
    return view.slice();
  } finally {
    view.dispose?.();
  }
}

const OPERATIONS = {
  // ---- KV ----
  // The hot read, delivered as bytes: the value, then the metadata's JSON when there is some; the number beside them
  // is that JSON's length (0: none), or -1 when the key does not exist (JsKvBackend).
  async "kv.get"(kv, key) {
    const { value, metadata } = await kv.getWithMetadata(key, { type: "arrayBuffer" });
    if (value === null) return deliver(EMPTY, -1);
    if (metadata == null) return deliver(new Uint8Array(value));
    const json = encoder.encode(JSON.stringify(metadata));
    const both = new Uint8Array(value.byteLength + json.byteLength);
    both.set(new Uint8Array(value));
    both.set(json, value.byteLength);
    return deliver(both, json.byteLength);
  },
  async "kv.put"(kv, { key, expiration, metadata }, bytes) {
    const options = {};
    if (expiration != null) options.expiration = expiration;
    if (metadata != null) options.metadata = metadata;
    await kv.put(key, bytes, options);
    return null;
  },
  async "kv.delete"(kv, { key }) {
    await kv.delete(key);
    return null;
  },
  async "kv.list"(kv, { prefix, limit, cursor }) {
    const options = { limit };
    if (prefix != null) options.prefix = prefix;
    if (cursor != null) options.cursor = cursor;
    const page = await kv.list(options);
    return {
      keys: page.keys.map((k) => ({ name: k.name, expiration: k.expiration ?? null, metadata: k.metadata ?? null })),
      list_complete: page.list_complete,
      cursor: page.list_complete ? null : (page.cursor ?? null),
    };
  },

  // ---- D1 ----
  async "d1.query"(db, statement, bytes) {
    return d1Result(await prepare(db, statement, bytes).run());
  },
  // raw() is D1's one form that names the columns of an empty result (run() gives rows as objects, so none).
  async "d1.raw"(db, statement, bytes) {
    const [columns = [], ...rows] = await prepare(db, statement, bytes).raw({ columnNames: true });
    return { columns, rows: rows.map((row) => row.map(d1Value)), meta: {} };
  },
  async "d1.batch"(db, { statements }, bytes) {
    const results = await db.batch(statements.map((s) => prepare(db, s, bytes)));
    return results.map(d1Result);
  },
  async "d1.exec"(db, { sql }) {
    const { count, duration } = await db.exec(sql);
    return { count, duration };
  },

  // ---- Durable Object storage (the object of the event: objectOf) ----
  // Values are JSON text. ctx.storage.sql is synchronous; its statements arrive as D1's do ("do.query" and the rest).
  async "do.get"(object, key) {
    const value = await object.state.storage.get(key);
    return value === undefined ? deliver(EMPTY, -1) : deliver(encoder.encode(storedJson(value)));
  },
  async "do.put"(object, { key }, bytes) {
    await object.state.storage.put(key, decoder.decode(bytes));
    return null;
  },
  async "do.delete"(object, { key }) {
    return await object.state.storage.delete(key);
  },
  async "do.deleteAll"(object) {
    await object.state.storage.deleteAll();
    return null;
  },
  async "do.list"(object, { start, end, prefix, reverse, limit }) {
    const options = { reverse: reverse === true };
    if (start != null) options.start = start;
    if (end != null) options.end = end;
    if (prefix != null) options.prefix = prefix;
    if (limit != null) options.limit = limit;
    const entries = [];
    for (const [key, value] of await object.state.storage.list(options)) entries.push([key, storedJson(value)]);
    return entries;
  },
  "do.query"(object, { sql, params }, bytes) {
    return sqlResult(object.state.storage.sql.exec(sql, ...sqlParams(params, bytes)));
  },
  "do.raw"(object, { sql, params }, bytes) {
    return sqlResult(object.state.storage.sql.exec(sql, ...sqlParams(params, bytes)));
  },
  "do.batch"(object, { statements }, bytes) {
    // One transaction: a failing statement rolls back the ones before it.
    return object.state.storage.transactionSync(() => statements.map(({ sql, params }) => sqlResult(object.state.storage.sql.exec(sql, ...sqlParams(params, bytes)))));
  },
  "do.exec"(object, { sql }) {
    const cursor = object.state.storage.sql.exec(sql);
    cursor.toArray();
    return { count: 1, duration: 0 };
  },
  async "do.getAlarm"(object) {
    return await object.state.storage.getAlarm();
  },
  async "do.setAlarm"(object, { time }) {
    await object.state.storage.setAlarm(time);
    return null;
  },
  async "do.deleteAlarm"(object) {
    await object.state.storage.deleteAlarm();
    return null;
  },
  // Opens blockConcurrencyWhile and completes with the block's number once it holds; objectUnblock ends it.
  "do.block"(object) {
    return new Promise((started) => {
      object.state.blockConcurrencyWhile(() => new Promise((release, fail) => {
        const block = object.nextBlock++;
        object.blocks.set(block, { release, fail });
        started(block);
      })).catch(() => {});
    });
  },

  // ---- R2 ----
  async "r2.head"(bucket, { key }) {
    const object = await bucket.head(key);
    return object === null ? null : r2Object(object);
  },
  async "r2.put"(bucket, { key, httpMetadata, customMetadata }, bytes) {
    const options = {};
    if (httpMetadata) options.httpMetadata = toHttpMetadata(httpMetadata);
    if (customMetadata) options.customMetadata = customMetadata;
    return r2Object(await bucket.put(key, bytes, options));
  },
  async "r2.delete"(bucket, { keys }) {
    await bucket.delete(keys);
    return null;
  },
  async "r2.list"(bucket, { prefix, delimiter, cursor, limit }) {
    const options = { include: ["httpMetadata", "customMetadata"] };
    if (prefix != null) options.prefix = prefix;
    if (delimiter != null) options.delimiter = delimiter;
    if (cursor != null) options.cursor = cursor;
    if (limit != null) options.limit = limit;
    const page = await bucket.list(options);
    return {
      objects: page.objects.map(r2Object),
      delimitedPrefixes: page.delimitedPrefixes ?? [],
      truncated: page.truncated,
      cursor: page.truncated ? (page.cursor ?? null) : null,
    };
  },
};

/** Parameters are JSON values; a blob is { "blob": [offset, length] } into the call's payload. */
function prepare(db, { sql, params }, bytes) {
  const statement = db.prepare(sql);
  if (!params || params.length === 0) return statement;
  return statement.bind(...params.map((p) => (p !== null && typeof p === "object" ? bytes.slice(p.blob[0], p.blob[0] + p.blob[1]).buffer : p)));
}

/**
 * Rows as arrays in column order, with the columns and D1's meta. D1's public API gives meta only with rows as
 * objects, so the columns are the first row's keys (D1 builds each object from its column list, in order).
 */
function d1Result(result) {
  const rows = result.results ?? [];
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  return {
    columns,
    rows: rows.map((row) => columns.map((c) => d1Value(row[c]))),
    meta: result.meta ?? {},
  };
}

/** Blobs leave as arrays of byte numbers, as the local backend returns them. */
function d1Value(value) {
  if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
  if (ArrayBuffer.isView(value)) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  return value;
}

/** An R2 object's metadata as .NET reads it (JsR2Backend); also used by r2streams.mjs. */
export function r2Object(object) {
  const http = object.httpMetadata ?? {};
  return {
    key: object.key,
    size: object.size,
    etag: object.etag,
    uploaded: object.uploaded instanceof Date ? object.uploaded.toISOString() : String(object.uploaded),
    httpMetadata: {
      contentType: http.contentType ?? null,
      contentLanguage: http.contentLanguage ?? null,
      contentDisposition: http.contentDisposition ?? null,
      contentEncoding: http.contentEncoding ?? null,
      cacheControl: http.cacheControl ?? null,
      cacheExpiry: http.cacheExpiry instanceof Date ? http.cacheExpiry.toISOString() : (http.cacheExpiry ?? null),
    },
    customMetadata: object.customMetadata ?? {},
    range: object.range ?? null,
  };
}

export function toHttpMetadata(m) {
  const out = {};
  for (const name of ["contentType", "contentLanguage", "contentDisposition", "contentEncoding", "cacheControl"]) {
    if (m[name] != null) out[name] = m[name];
  }
  if (m.cacheExpiry != null) out.cacheExpiry = new Date(m.cacheExpiry);
  return out;
}
