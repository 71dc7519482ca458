// The peer as agents 0.32.0 documents it (docs/mcp-servers.md): createMcpHandler from `agents/mcp/server` with a
// factory of MCP SDK v2 servers (@modelcontextprotocol/server): the handler is built once, a server per request.
// It serves the `echo` tool, the same as the HelloWorld sample's.
import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
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

const handler = createMcpHandler(createServer);

export default {
  fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> {
    return handler(request, env, ctx);
  },
} satisfies ExportedHandler;
