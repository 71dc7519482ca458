// The peer as Cloudflare's MCP docs long wrote it: createMcpHandler from `agents/mcp` given an McpServer of the official
// TypeScript SDK v1 (@modelcontextprotocol/sdk). In agents 0.32.0 this overload is deprecated (it logs so once) and
// serves through createLegacyMcpHandler. An SDK v1 server cannot be connected twice, so it is built per request, as
// Cloudflare's example does. It serves the `echo` tool, the same as the HelloWorld sample's.
import { createMcpHandler } from "agents/mcp";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

function createServer(): McpServer {
  const server = new McpServer({ name: "agents-echo", version: "1.0.0" });
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

export default {
  fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> {
    return createMcpHandler(createServer())(request, env, ctx);
  },
} satisfies ExportedHandler;
