// The JavaScript peer of bench/workerd/BindingsBenchWorker: the same routes, answers and bindings, written as a plain
// Worker would write them. GET /noop?key=… answers the key (no binding: the baseline), GET /kv?key=… the KV value as
// text (404 when absent), GET /d1?id=… the row of `items` with that id as JSON (404 when absent).
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") return new Response("Method Not Allowed", { status: 405 });
    switch (url.pathname) {
      case "/noop":
        return text(url.searchParams.get("key") ?? "");
      case "/kv": {
        const value = await env.KV.get(url.searchParams.get("key") ?? "");
        return value === null ? text("absent", 404) : text(value);
      }
      case "/d1": {
        const id = Number.parseInt(url.searchParams.get("id") ?? "0", 10);
        const item = await env.DB.prepare("SELECT id, name, value FROM items WHERE id = ?1").bind(id).first();
        return item === null ? text("absent", 404) : Response.json(item);
      }
      default:
        return text("Not Found", 404);
    }
  },
};

function text(body, status = 200) {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
