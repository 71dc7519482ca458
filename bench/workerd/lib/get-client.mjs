// The client of the bindings suite: GET over one keep-alive HTTP/1.1 connection, each answer read whole and timed.
import http from "node:http";

export class GetClient {
  /** A request not answered in `timeoutMs` fails. */
  constructor({ url, timeoutMs = 30_000 }) {
    this.host = url.hostname;
    this.port = Number(url.port);
    this.timeoutMs = timeoutMs;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  }

  /** GET `path`: { status, type, body, ms }; status 0 when the request itself failed. */
  get(path) {
    return new Promise((resolve) => {
      const started = performance.now();
      const failed = (e) => resolve({ status: 0, type: "", body: String(e?.message ?? e), ms: performance.now() - started });
      const request = http.request({ host: this.host, port: this.port, path, method: "GET", agent: this.agent }, (response) => {
        const chunks = [];
        response.on("data", (c) => chunks.push(c));
        response.on("end", () =>
          resolve({
            status: response.statusCode,
            type: String(response.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }));
        response.on("error", failed);
      });
      request.on("error", failed);
      request.setTimeout(this.timeoutMs, () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.end();
    });
  }

  close() {
    this.agent.destroy();
  }
}
