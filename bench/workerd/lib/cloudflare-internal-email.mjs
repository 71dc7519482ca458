// What `cloudflare:email` imports inside workerd. Cloudflare's runtime (and wrangler dev, through miniflare) provides
// this internal module; raw workerd does not, and npm `agents` imports `cloudflare:email` at load time. Nothing in the
// benchmark sends mail: the class only has to exist.
class EmailMessage {
  constructor(from, to, raw) {
    this.from = from;
    this.to = to;
    this.raw = raw;
  }
}

export default { EmailMessage };
