// The answer the service-binding contract cases check (tests/Pmcp.Workers.Contract/ServiceCases.cs); Pmcp.Testing's
// ServiceEchoServer gives the same one natively. /status/NNN answers with that status.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    let sum = 0;
    for (const b of body) sum = (sum + b) % 65521;
    const text = `${request.method} ${url.pathname}${url.search}\n`
      + `x-probe=${request.headers.get("x-probe") ?? ""}\n`
      + `length=${body.byteLength}\n`
      + `sum=${sum}\n`
      + (body.byteLength <= 1024 ? new TextDecoder().decode(body) : "");
    return new Response(request.method === "HEAD" ? null : text, {
      status: status ? Number(status[1]) : 200,
      headers: { "content-type": "text/plain; charset=utf-8", "x-echo": "pmcp-echo-service", "x-echo-probe": request.headers.get("x-probe") ?? "" },
    });
  },
};
