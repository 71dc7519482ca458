// The .NET loader has Node.js-only branches that import "process" and "module". They never run in workerd, but the
// bundler must resolve them: without nodejs_compat, wrangler aliases them here.
export default {};
