// The fetch suite's peer (bench/workerd/fetch.mjs): sdk-v2.ts's Worker (agents' createMcpHandler with a factory of MCP
// SDK v2 servers) with a `fetch` tool that makes one fetch() and answers the body as text, beside the same `echo`.
import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import { z } from "zod";

function createServer(): McpServer {
  const server = new McpServer({ name: "agents-fetch", version: "1.0.0" });
  server.registerTool(
    "fetch",
    {
      description: "GET the URL and return its body as text",
      inputSchema: { url: z.string().describe("The URL to GET") },
      annotations: { readOnlyHint: true },
    },
    async ({ url }) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
      return { content: [{ type: "text", text: await response.text() }] };
    },
  );
  server.registerTool(
    "echo",
    {
      description: "Return the message it is given",
      inputSchema: { message: z.string().describe("The message to send back") },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ message }) => ({ content: [{ type: "text", text: message }] }),
  );
  return server;
}

const handler = createMcpHandler(createServer);

export default {
  fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> {
    return handler(request, env, ctx);
  },
} satisfies ExportedHandler;
