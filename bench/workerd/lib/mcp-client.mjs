// The MCP client of the benchmark: POST /mcp over keep-alive HTTP/1.1, answers read as JSON or as an event stream
// (whichever the server chose), every answer checked.
import http from "node:http";

const PROTOCOL_VERSION = "2025-06-18";

export class McpClient {
  /** One keep-alive connection per request in flight, at most `connections`; a request not answered in `timeoutMs` fails. */
  constructor({ port, connections = 1, timeoutMs = 30_000 }) {
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
    this.sessionId = null;
    this.nextId = 1;
  }

  /** `initialize`; keeps the session id if the server gives one (neither worker here does: both are stateless). */
  async initialize() {
    const id = this.nextId++;
    const body = {
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "pmcp-bench-workerd", version: "1.0.0" } },
    };
    const answer = await this.post(body, false);
    const message = answer.ok ? findMessage(answer, id) : null;
    const ok = message?.result?.protocolVersion !== undefined && message.result.serverInfo !== undefined;
    if (ok && answer.headers["mcp-session-id"]) this.sessionId = answer.headers["mcp-session-id"];
    return { ok, ms: answer.ms, error: ok ? null : describe(answer, "an InitializeResult") };
  }

  /** `tools/call echo`; ok only if the answer's text is the very message sent. */
  async echo(text) {
    const id = this.nextId++;
    const answer = await this.post({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: { message: text } } }, true);
    const result = answer.ok ? findMessage(answer, id)?.result : undefined;
    const ok = result !== undefined && !result.isError && result.content?.[0]?.type === "text" && result.content[0].text === text;
    return { ok, ms: answer.ms, error: ok ? null : describe(answer, `the text "${text}"`) };
  }

  /** `tools/call NAME` with ARGS; ok only if the answer is a text result for which `check(text)` holds (given back as text). */
  async callTool(name, args, check) {
    const id = this.nextId++;
    const answer = await this.post({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } }, true);
    const result = answer.ok ? findMessage(answer, id)?.result : undefined;
    const text = result?.content?.[0]?.type === "text" ? result.content[0].text : undefined;
    const ok = result !== undefined && !result.isError && text !== undefined && check(text);
    return { ok, ms: answer.ms, text, error: ok ? null : describe(answer, `a ${name} result that passes its check`) };
  }

  /** Any JSON-RPC body (a batch, an oversized request) as it is, with extra headers; the raw answer (status, body). */
  raw(payload, headers = {}) {
    return this.post(payload, true, headers);
  }

  close() {
    this.agent.destroy();
  }

  post(message, initialized, extraHeaders = {}) {
    const payload = Buffer.isBuffer(message) ? message : Buffer.from(JSON.stringify(message));
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "content-length": payload.length,
    };
    if (initialized) headers["mcp-protocol-version"] = PROTOCOL_VERSION;
    if (initialized && this.sessionId) headers["mcp-session-id"] = this.sessionId;
    Object.assign(headers, extraHeaders);
    return new Promise((resolve) => {
      const started = performance.now();
      const request = http.request({ host: "127.0.0.1", port: this.port, path: "/mcp", method: "POST", agent: this.agent, headers }, (response) => {
        const chunks = [];
        response.on("data", (c) => chunks.push(c));
        response.on("end", () =>
          resolve({
            ok: response.statusCode === 200,
            status: response.statusCode,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }));
        response.on("error", (e) => resolve({ ok: false, status: 0, headers: {}, body: String(e), ms: performance.now() - started }));
      });
      request.on("error", (e) => resolve({ ok: false, status: 0, headers: {}, body: String(e), ms: performance.now() - started }));
      request.setTimeout(this.timeoutMs, () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.end(payload);
    });
  }
}

/** The JSON-RPC answer with this id, from a JSON body or from the `data:` lines of an event stream. */
function findMessage(answer, id) {
  const type = String(answer.headers["content-type"] ?? "");
  const candidates = [];
  if (type.startsWith("text/event-stream")) {
    for (const event of answer.body.split(/\r?\n\r?\n/)) {
      const data = event.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
      if (data) candidates.push(data);
    }
  } else {
    candidates.push(answer.body);
  }
  for (const text of candidates) {
    try {
      const parsed = JSON.parse(text);
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
        if (message?.id === id) return message;
      }
    } catch {
      // not JSON: no answer here
    }
  }
  return null;
}

function describe(answer, expected) {
  const body = answer.body.length > 300 ? `${answer.body.slice(0, 300)}…` : answer.body;
  return `expected ${expected}, got HTTP ${answer.status} ${answer.headers?.["content-type"] ?? ""}: ${body.replace(/\s+/g, " ")}`;
}
