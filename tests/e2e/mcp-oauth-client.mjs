// Signs in to an MCP server the way an MCP client does, with the official TypeScript SDK's OAuth support, then
// calls a tool, and prints what happened as JSON. The .NET tests decide what is right.
//
//   node mcp-oauth-client.mjs <mcp url> <tool name>
//
// The SDK does every OAuth step itself: the 401's WWW-Authenticate, the protected resource metadata (RFC 9728), the
// authorization server's metadata (RFC 8414), dynamic client registration (RFC 7591), PKCE S256, the authorization
// request with `resource` (RFC 8707), the token request. Only the user agent is scripted here: it opens the
// authorization URL (the test's authorization server approves at once) and hands the code back, after checking that
// the redirect carries the state the client sent.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";

const [url, tool] = process.argv.slice(2);
if (!url || !tool) {
  console.error("usage: node mcp-oauth-client.mjs <mcp url> <tool name>");
  process.exit(2);
}

const redirectUrl = "http://127.0.0.1:9/callback"; // never listened on: the scripted user agent reads the redirect itself
const state = "state-" + Math.random().toString(36).slice(2);
let clientInformation;
let tokens;
let codeVerifier;
let authorizationUrl;

const provider = {
  get redirectUrl() { return redirectUrl; },
  get clientMetadata() {
    return { client_name: "pmcp-e2e", redirect_uris: [redirectUrl], grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "none" };
  },
  state() { return state; },
  clientInformation() { return clientInformation; },
  saveClientInformation(info) { clientInformation = info; },
  tokens() { return tokens; },
  saveTokens(t) { tokens = t; },
  redirectToAuthorization(u) { authorizationUrl = u; },
  saveCodeVerifier(v) { codeVerifier = v; },
  codeVerifier() { return codeVerifier; },
};

const output = { steps: [] };
try {
  // 1. Unauthenticated: the SDK meets the 401, discovers, registers, and asks for the user's authorization.
  let transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  let client = new Client({ name: "pmcp-e2e-oauth", version: "1.0.0" });
  try {
    await client.connect(transport);
    output.steps.push("connected without signing in");
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    output.steps.push("unauthorized");
  }

  if (!authorizationUrl) throw new Error("the client never asked for authorization");
  const params = Object.fromEntries(authorizationUrl.searchParams);
  output.authorization = {
    endpoint: authorizationUrl.origin + authorizationUrl.pathname,
    codeChallengeMethod: params.code_challenge_method ?? null,
    hasCodeChallenge: !!params.code_challenge,
    resource: params.resource ?? null,
    scope: params.scope ?? null,
    clientId: params.client_id ?? null,
  };
  output.registeredClientId = clientInformation?.client_id ?? null;

  // 2. The user agent: the authorization server redirects back with the code and the state.
  const answer = await fetch(authorizationUrl, { redirect: "manual" });
  const location = answer.headers.get("location");
  if (answer.status !== 302 || !location) throw new Error(`authorize answered ${answer.status} without a redirect`);
  const back = new URL(location);
  if (back.origin + back.pathname !== redirectUrl) throw new Error(`redirected to ${back.origin + back.pathname}, not the registered URI`);
  if (back.searchParams.get("state") !== state) throw new Error("the redirect's state is not the one sent");
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`no code in the redirect: ${back.search}`);
  output.steps.push("authorized");

  // 3. The client redeems the code (PKCE verifier, resource) for a token.
  await transport.finishAuth(code);
  output.tokenType = tokens?.token_type ?? null;
  output.steps.push("token");

  // 4. Signed in: connect again and call the tool.
  transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  client = new Client({ name: "pmcp-e2e-oauth", version: "1.0.0" });
  await client.connect(transport);
  output.steps.push("connected");
  output.result = await client.callTool({ name: tool, arguments: {} });
  await client.close();
} catch (e) {
  output.error = String(e?.stack ?? e?.message ?? e);
}

console.log(JSON.stringify(output));
