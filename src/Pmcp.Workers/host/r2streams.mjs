// Streamed R2 bodies for .NET (Pmcp.Workers.Bindings.R2ObjectBody.Body, R2Bucket.PutAsync with a stream and a length).
//
// An object's body is a ReadableStream that belongs to the request that got it, and a streamed put's
// FixedLengthStream to the request that started it, so every operation runs in that request's context through its
// inbox, as socket operations do (sockets.mjs; why: inbox.mjs). .NET submits each operation synchronously (null, or why
// it cannot start) and learns its outcome through WorkerExports.OperationDone(operation, error, value): one completion
// path for all request-owned I/O. A read's chunk is delivered with its completion (WorkerExports.OperationDelivered); the
// object's metadata, as JSON, is taken once with r2Result.
import { copyView, r2Object, toHttpMetadata } from "./bindings.mjs";
import { deliver, submitter } from "./inbox.mjs";
import { resourceKind } from "./request-state.mjs";

/** An object's body being read, or a streamed upload; the request's end cancels the one and aborts the other. */
const R2_STREAM = resourceKind("the R2 body is closed", (entry) => { release(entry).catch(() => {}); });

/**
 * @param {Map<number, object>} requests the host's live requests: by id (request-state.mjs).
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

  return {
    /** Value: the body's id, or 0 when there is no such key; the metadata waits in r2Result. */
    r2Get(requestId, operation, name, argumentsJson) {
      const { key, range } = JSON.parse(argumentsJson);
      return submit(requestId, operation, async (request) => {
        const object = await bucketOf(request, name).get(key, range ? { range } : undefined);
        if (object === null) return 0;
        // A failed precondition yields an object without a body; with no conditions asked for, there is always one.
        const reader = "body" in object ? object.body.getReader() : null;
        return request.open(R2_STREAM, { reader, result: JSON.stringify(r2Object(object)) });
      });
    },

    /** Delivers the next chunk, or 0 at the end (the body is then released). */
    r2Read(requestId, operation, id) {
      return submit(requestId, operation, async (request) => {
        const entry = request.get(R2_STREAM, id);
        for (;;) {
          const { value, done } = entry.reader ? await entry.reader.read() : { done: true };
          if (done) {
            request.delete(R2_STREAM, id);
            return 0;
          }
          if (value.byteLength > 0) return deliver(value instanceof Uint8Array ? value : new Uint8Array(value));
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
        return request.open(R2_STREAM, { writer: writable.getWriter(), put });
      });
    },

    r2PutWrite(requestId, operation, id, bytes) {
      const copy = copyView(bytes); // the view points into .NET memory, valid only during this call
      return submit(requestId, operation, async (request) => {
        await request.get(R2_STREAM, id).writer.write(copy);
        return 0;
      });
    },

    /** Closes the upload (or aborts it, with error) and waits for the put; its object waits in r2Result. */
    r2PutEnd(requestId, operation, id, error) {
      return submit(requestId, operation, async (request) => {
        const entry = request.get(R2_STREAM, id);
        if (error != null) {
          request.delete(R2_STREAM, id);
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
        const entry = request.delete(R2_STREAM, id);
        if (entry) await release(entry);
        return 0;
      });
    },

    /** The JSON an operation left (an object's metadata), once. */
    r2Result(requestId, id) {
      const request = requests.get(requestId);
      const entry = request?.find(R2_STREAM, id);
      const result = entry?.result ?? null;
      if (entry) {
        entry.result = null;
        if (entry.put) request.delete(R2_STREAM, id); // a finished upload has nothing more to give
      }
      return result;
    },
  };
}

async function release(entry) {
  if (entry.reader) await entry.reader.cancel().catch(() => {});
  if (entry.writer) await entry.writer.abort(new Error("the upload was abandoned")).catch(() => {});
}
