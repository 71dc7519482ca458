// Signs in to an MCP server whose Worker is its own authorization server (Pmcp's built-in one), with the official
// TypeScript SDK's OAuth support, calls a tool, refreshes the token, calls it again, and prints what happened as JSON.
// The .NET tests decide what is right.
//
//   node mcp-oauth-builtin-client.mjs <mcp url> <tool name>
//
// The SDK does every OAuth step: the 401, protected resource metadata (RFC 9728), authorization server metadata
// (RFC 8414), dynamic client registration (RFC 7591), PKCE S256 with `resource` (RFC 8707), the token request, and the
// refresh. Only the user agent is scripted here, as a browser would go: the authorization URL redirects to the
// upstream sign-in provider (the test's local stand-in signs the user in at once), which redirects to the server's
// /callback, which shows the consent page; the form is posted back with its CSRF token and the cookie it set, and the
// server redirects to the client's redirect URI with the code and the state.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError, auth } from "@modelcontextprotocol/sdk/client/auth.js";

const [url, tool] = process.argv.slice(2);
if (!url || !tool) {
  console.error("usage: node mcp-oauth-builtin-client.mjs <mcp url> <tool name>");
  process.exit(2);
}

// Never listened on: the scripted user agent reads the redirect itself. Registered on port 9; the authorization
// request uses another port, as a native client listening on a free loopback port does.
const registeredRedirect = "http://127.0.0.1:9/callback";
const redirectUrl = "http://127.0.0.1:9/callback";
const state = "state-" + Math.random().toString(36).slice(2);
let clientInformation;
let tokens;
let codeVerifier;
let authorizationUrl;

const provider = {
  get redirectUrl() { return redirectUrl; },
  get clientMetadata() {
    return { client_name: "pmcp-e2e <builtin>", redirect_uris: [registeredRedirect], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
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

async function userAgent(start) {
  const hops = [];
  // 1. /authorize → the upstream provider
  let answer = await fetch(start, { redirect: "manual" });
  if (answer.status !== 302) throw new Error(`authorize answered ${answer.status}: ${await answer.text()}`);
  let location = new URL(answer.headers.get("location"), start);
  hops.push(location.origin + location.pathname);
  // 2. The provider signs the user in and sends the browser to the server's /callback; one that shows a sign-in form
  // first (samples/SignIn/local-provider.mjs) gets it posted back with its hidden fields and a name.
  answer = await fetch(location, { redirect: "manual" });
  if (answer.status === 200) {
    const signIn = await answer.text();
    const action = signIn.match(/<form method="post" action="([^"]*)"/)?.[1];
    if (!action) throw new Error(`the provider answered 200 without a sign-in form: ${signIn.slice(0, 200)}`);
    const fields = new URLSearchParams([...signIn.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)]
      .map(([, name, value]) => [name, value.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))]));
    fields.set("user", "Ada");
    answer = await fetch(new URL(action, location), { method: "POST", redirect: "manual", body: fields, headers: { "content-type": "application/x-www-form-urlencoded" } });
  }
  if (answer.status !== 302) throw new Error(`the provider answered ${answer.status}`);
  location = new URL(answer.headers.get("location"), location);
  hops.push(location.origin + location.pathname);
  // 3. /callback shows the consent page and sets its cookie
  answer = await fetch(location, { redirect: "manual" });
  const page = await answer.text();
  if (answer.status !== 200) throw new Error(`callback answered ${answer.status}: ${page}`);
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0];
  const field = (name) => page.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
  const form = new URLSearchParams({ request: field("request"), csrf: field("csrf"), decision: "allow" });
  // 4. The user allows: the form goes back with the cookie
  answer = await fetch(new URL("/consent", location), { method: "POST", redirect: "manual", body: form, headers: { cookie, "content-type": "application/x-www-form-urlencoded" } });
  if (answer.status !== 302) throw new Error(`consent answered ${answer.status}: ${await answer.text()}`);
  const back = new URL(answer.headers.get("location"));
  hops.push(back.origin + back.pathname);
  return { back, hops, consentShowsClient: page.includes("pmcp-e2e &lt;builtin&gt;") };
}

const output = { steps: [] };
try {
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
    resource: params.resource ?? null,
    scope: params.scope ?? null,
    clientId: params.client_id ?? null,
  };
  output.registeredClientId = clientInformation?.client_id ?? null;

  const { back, hops, consentShowsClient } = await userAgent(authorizationUrl);
  output.hops = hops;
  output.consentShowsClient = consentShowsClient;
  if (back.searchParams.get("state") !== state) throw new Error("the redirect's state is not the one sent");
  output.iss = back.searchParams.get("iss");
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`no code in the redirect: ${back.search}`);
  output.steps.push("authorized");

  await transport.finishAuth(code);
  output.steps.push("token");
  const first = tokens;

  transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  client = new Client({ name: "pmcp-e2e-oauth", version: "1.0.0" });
  await client.connect(transport);
  output.steps.push("connected");
  output.result = await client.callTool({ name: tool, arguments: {} });
  await client.close();

  // The SDK refreshes when it holds a refresh token: auth() exchanges it and saves the new pair.
  const refreshed = await auth(provider, { serverUrl: new URL(url) });
  if (refreshed !== "AUTHORIZED" || tokens.access_token === first.access_token) throw new Error(`the refresh did not give a new token (${refreshed})`);
  output.steps.push("refreshed");
  transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  client = new Client({ name: "pmcp-e2e-oauth", version: "1.0.0" });
  await client.connect(transport);
  output.afterRefresh = await client.callTool({ name: tool, arguments: {} });
  await client.close();
  output.steps.push("called after refresh");
  // For the test to check that the first pair is dead now (rotation) and the second alive.
  output.firstAccessToken = first.access_token;
  output.firstRefreshToken = first.refresh_token;
  output.accessToken = tokens.access_token;
  output.refreshToken = tokens.refresh_token;
  output.clientId = clientInformation.client_id;
} catch (e) {
  output.error = String(e?.stack ?? e?.message ?? e);
}

console.log(JSON.stringify(output));
