// The local HTTP server the fetch and memory suites' Workers fetch from (workerd reaches it through the config's
// localFetch): GET /text/N answers N bytes of text, GET /bytes/N N bytes in 64 KiB writes, honouring backpressure.
// It runs in the bench's own process, so its CPU is not the workerd process's.
import http from "node:http";

const CHUNK = Buffer.alloc(64 * 1024, "x");

export async function startUpstream() {
  const served = { text: 0, bytes: 0 };
  const server = http.createServer((request, response) => {
    const match = /^\/(text|bytes)\/(\d+)$/.exec(request.url ?? "");
    if (!match) {
      response.writeHead(404).end("not found");
      return;
    }
    const length = Number(match[2]);
    served[match[1]]++;
    if (match[1] === "text") {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": length }).end("y".repeat(length));
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": length });
    let left = length;
    const pump = () => {
      while (left > 0) {
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= piece.length;
        if (!response.write(piece)) return void response.once("drain", pump);
      }
      response.end();
    };
    pump();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
