// Drives an MCP server with the official TypeScript client and prints what the client saw, as JSON.
// The .NET tests decide what is right; this script only speaks the protocol the way real clients do.
//
//   node mcp-client.mjs <url> '<operations JSON>' [--header "Name: value"]...
//
// Operations: {"op":"listTools"} {"op":"callTool","name":"echo","arguments":{...},"progress":true}
//             {"op":"listResources"} {"op":"listResourceTemplates"} {"op":"readResource","uri":"..."}
//             {"op":"listPrompts"} {"op":"getPrompt","name":"...","arguments":{...}}
//             {"op":"complete","ref":{...},"argument":{...}} {"op":"setLoggingLevel","level":"info"} {"op":"ping"}
//             {"op":"answerElicitations","content":{...}}: the user accepts later elicitations with this content
//             (until then the client declines them).
// Each result is {"ok": <result>} or {"error": {"code", "message"}}; notifications the client received
// (progress, log messages) are listed with the operation that caused them.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, operationsJson, ...rest] = process.argv.slice(2);
if (!url || !operationsJson) {
  console.error("usage: node mcp-client.mjs <url> '<operations JSON>' [--header 'Name: value']...");
  process.exit(2);
}

const headers = {};
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] !== "--header") throw new Error(`unknown argument ${rest[i]}`);
  const [name, ...value] = rest[i + 1].split(":");
  headers[name.trim()] = value.join(":").trim();
}

const client = new Client({ name: "pmcp-e2e", version: "1.0.0" }, { capabilities: { elicitation: {} } });
let elicitationAnswer = null;
client.setRequestHandler(ElicitRequestSchema, () =>
  elicitationAnswer ? { action: "accept", content: elicitationAnswer } : { action: "decline" });
let logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });

const output = { serverVersion: null, protocolVersion: null, capabilities: null, results: [] };
try {
  await client.connect(transport);
  output.serverVersion = client.getServerVersion();
  output.capabilities = client.getServerCapabilities();
  output.protocolVersion = transport.protocolVersion ?? null;
} catch (e) {
  output.connectError = String(e?.message ?? e);
  output.connectErrorCode = e?.code ?? null;
  console.log(JSON.stringify(output));
  process.exit(0);
}

for (const operation of JSON.parse(operationsJson)) {
  const progress = [];
  logs = [];
  const options = operation.progress ? { onprogress: (p) => progress.push(p) } : undefined;
  try {
    const result = await run(operation, options);
    output.results.push({ op: operation.op, ok: result, progress, logs });
  } catch (e) {
    output.results.push({ op: operation.op, error: { code: e?.code ?? null, message: String(e?.message ?? e) }, progress, logs });
  }
}

await client.close();
console.log(JSON.stringify(output));

function run(op, options) {
  switch (op.op) {
    case "listTools": return client.listTools(op.cursor ? { cursor: op.cursor } : undefined);
    case "callTool": return client.callTool({ name: op.name, arguments: op.arguments ?? {} }, undefined, options);
    case "listResources": return client.listResources();
    case "listResourceTemplates": return client.listResourceTemplates();
    case "readResource": return client.readResource({ uri: op.uri });
    case "listPrompts": return client.listPrompts();
    case "getPrompt": return client.getPrompt({ name: op.name, arguments: op.arguments ?? {} });
    case "complete": return client.complete({ ref: op.ref, argument: op.argument, context: op.context });
    case "setLoggingLevel": return client.setLoggingLevel(op.level);
    case "ping": return client.ping();
    case "answerElicitations": elicitationAnswer = op.content; return {};
    default: throw new Error(`unknown op ${op.op}`);
  }
}
