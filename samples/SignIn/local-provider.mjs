// A local OpenID Connect provider for trying samples/SignIn on this machine: discovery, a sign-in page that takes any
// name, the authorization code flow with PKCE S256, and userinfo. For local use only: it listens on 127.0.0.1 and
// knows one client, the sample's.
//
//   node samples/SignIn/local-provider.mjs [port]      (9100 by default)
import { createServer } from "node:http";
import { createHash, randomBytes } from "node:crypto";

const port = Number(process.argv[2] ?? 9100);
const issuer = `http://127.0.0.1:${port}`;
const client = { id: "sign-in-sample", secret: "local-provider-only" };
const codes = new Map();
const tokens = new Map();

const json = (res, status, body) => { res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }); res.end(JSON.stringify(body)); };
const html = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const body = (req) => new Promise((resolve) => { let data = ""; req.on("data", (c) => { data += c; if (data.length > 65536) req.destroy(); }); req.on("end", () => resolve(new URLSearchParams(data))); });
const b64url = (buffer) => buffer.toString("base64url");

createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === "/.well-known/openid-configuration") {
    return json(res, 200, {
      issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, userinfo_endpoint: `${issuer}/userinfo`,
      response_types_supported: ["code"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["RS256"],
      code_challenge_methods_supported: ["S256"],
    });
  }
  if (url.pathname === "/authorize" && req.method === "GET") {
    const p = url.searchParams;
    if (p.get("client_id") !== client.id || !p.get("redirect_uri")?.endsWith("/callback")) { res.writeHead(400); return res.end("unknown client or redirect_uri"); }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return res.end(`<!doctype html><title>Local sign-in</title><h1>Local sign-in provider</h1>
      <form method="post" action="/authorize">
      ${["redirect_uri", "state", "code_challenge"].map((n) => `<input type="hidden" name="${n}" value="${html(p.get(n) ?? "")}">`).join("")}
      <label>Your name <input name="user" value="ada" autofocus></label> <button>Sign in</button></form>`);
  }
  if (url.pathname === "/authorize" && req.method === "POST") {
    const form = await body(req);
    const user = (form.get("user") || "ada").slice(0, 40);
    const code = b64url(randomBytes(24));
    codes.set(code, { user, redirect: form.get("redirect_uri"), challenge: form.get("code_challenge") });
    res.writeHead(302, { location: `${form.get("redirect_uri")}?code=${code}&state=${encodeURIComponent(form.get("state") ?? "")}` });
    return res.end();
  }
  if (url.pathname === "/token" && req.method === "POST") {
    const form = await body(req);
    if (form.get("client_id") !== client.id || form.get("client_secret") !== client.secret) return json(res, 401, { error: "invalid_client" });
    const grant = codes.get(form.get("code"));
    codes.delete(form.get("code"));
    const verified = grant && (!grant.challenge || b64url(createHash("sha256").update(form.get("code_verifier") ?? "").digest()) === grant.challenge);
    if (!verified || grant.redirect !== form.get("redirect_uri")) return json(res, 400, { error: "invalid_grant" });
    const token = b64url(randomBytes(24));
    tokens.set(token, grant.user);
    return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 600 });
  }
  if (url.pathname === "/userinfo") {
    const user = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    if (!user) return json(res, 401, { error: "invalid_token" });
    return json(res, 200, { sub: `local-${user.toLowerCase()}`, name: user, email: `${user.toLowerCase()}@example.com`, preferred_username: user });
  }
  res.writeHead(404);
  res.end();
}).listen(port, "127.0.0.1", () => console.log(`local sign-in provider at ${issuer}`));
