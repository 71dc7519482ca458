// Streamed R2 bodies for .NET (Pmcp.Workers.Bindings.R2ObjectBody.Body, R2Bucket.PutAsync with a stream and a length).
//
// An object's body is a ReadableStream that belongs to the request that got it, and a streamed put's
// FixedLengthStream to the request that started it, so every operation runs in that request's context through its
// inbox, as socket operations do (sockets.mjs; why: inbox.mjs). .NET submits each operation synchronously (null, or why
// it cannot start) and learns its outcome through WorkerExports.SocketDone(operation, error, value): one completion
// path for all request-owned I/O. A read's chunk is parked in the request's slots and taken with bindingTake; the
// object's metadata, as JSON, is taken once with r2Result.
import { copyView, park, r2Object, toHttpMetadata } from "./bindings.mjs";
import { submitter } from "./inbox.mjs";

/**
 * @param {Map<number, object>} requests the host's live requests: { env, inbox, r2, slots, … } by request id.
 * @param {(operation: number, error: string | null, value: number) => void} complete reports to .NET.
 */
export function r2StreamImports(requests, complete) {
  const submit = submitter(requests, complete,
    "its request has ended (an R2 body can be read only within the request that got it)", "the R2 operation failed");

  function bucketOf(request, name) {
    const bucket = request.env?.[name];
    if (bucket == null) throw new Error(`no binding '${name}' in this Worker's env`);
    return bucket;
  }

  function add(request, entry) {
    request.r2 ??= new Map();
    request.nextR2 = (request.nextR2 ?? 0) + 1;
    request.r2.set(request.nextR2, entry);
    return request.nextR2;
  }

  function entryOf(request, id) {
    const entry = request.r2?.get(id);
    if (!entry) throw new Error("the R2 body is closed");
    return entry;
  }

  return {
    /** Value: the body's id, or 0 when there is no such key; the metadata waits in r2Result. */
    r2Get(requestId, operation, name, argumentsJson) {
      const { key, range } = JSON.parse(argumentsJson);
      return submit(requestId, operation, async (request) => {
        const object = await bucketOf(request, name).get(key, range ? { range } : undefined);
        if (object === null) return 0;
        // A failed precondition yields an object without a body; with no conditions asked for, there is always one.
        const reader = "body" in object ? object.body.getReader() : null;
        return add(request, { reader, result: JSON.stringify(r2Object(object)) });
      });
    },

    /** Value: the slot holding the next chunk, or 0 at the end (the body is then released). */
    r2Read(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const entry = entryOf(request, id);
        for (;;) {
          const { value, done } = entry.reader ? await entry.reader.read() : { done: true };
          if (done) {
            request.r2.delete(id);
            return 0;
          }
          if (value.byteLength > 0) return park(request, value instanceof Uint8Array ? value : new Uint8Array(value));
        }
      });
    },

    /** Starts bucket.put with a FixedLengthStream of `length` bytes; value: the upload's id. */
    r2PutStart(requestId, operation, name, argumentsJson, length) {
      const { key, httpMetadata, customMetadata } = JSON.parse(argumentsJson);
      return submit(requestId, operation, (request) => {
        const options = {};
        if (httpMetadata) options.httpMetadata = toHttpMetadata(httpMetadata);
        if (customMetadata) options.customMetadata = customMetadata;
        const { readable, writable } = new FixedLengthStream(length);
        const put = bucketOf(request, name).put(key, readable, options);
        put.catch(() => {}); // awaited by r2PutEnd; an aborted upload's rejection is expected
        return add(request, { writer: writable.getWriter(), put });
      });
    },

    r2PutWrite(requestId, operation, id, bytes) {
      const copy = copyView(bytes); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, async (request) => {
        await entryOf(request, id).writer.write(copy);
        return 0;
      });
    },

    /** Closes the upload (or aborts it, with error) and waits for the put; its object waits in r2Result. */
    r2PutEnd(requestId, operation, id, error) {
      return submit(requestId, operation, async (request) => {
        const entry = entryOf(request, id);
        if (error != null) {
          request.r2.delete(id);
          await entry.writer.abort(new Error(error)).catch(() => {});
          await entry.put.catch(() => {});
          return 0;
        }
        await entry.writer.close();
        entry.result = JSON.stringify(r2Object(await entry.put));
        return id;
      });
    },

    /** Releases a body or upload early (the request's end releases the rest). */
    r2Close(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const entry = request.r2?.get(id);
        if (!entry) return 0;
        request.r2.delete(id);
        await release(entry);
        return 0;
      });
    },

    /** The JSON an operation left (an object's metadata), once. */
    r2Result(requestId, id) {
      const entry = requests.get(requestId)?.r2?.get(id);
      const result = entry?.result ?? null;
      if (entry) {
        entry.result = null;
        if (entry.put) requests.get(requestId).r2.delete(id); // a finished upload has nothing more to give
      }
      return result;
    },
  };
}

/** Releases what a request left open; called when the request ends. */
export function closeR2Streams(request) {
  if (!request.r2) return;
  for (const entry of request.r2.values()) release(entry).catch(() => {});
  request.r2.clear();
}

async function release(entry) {
  if (entry.reader) await entry.reader.cancel().catch(() => {});
  if (entry.writer) await entry.writer.abort(new Error("the upload was abandoned")).catch(() => {});
}
