// Start-up from a build-time image of the booted .NET runtime (docs/workers-snapshot.md).
//
// `dotnet pmcp deploy build` boots the finished bundle once in Node (record.mjs), lets it warm up, and saves the
// runtime's linear memory at a quiescent point: the image. A Worker that ships an image does not boot .NET: it
// instantiates dotnet.native.wasm as usual, runs the module's constructors (they set globals the image cannot hold),
// writes the image over the memory, and lets the loader's JS start as before while skipping mono's own start-up and
// the assembly registration: both are already done in the image. The JS side of the runtime is fresh, though, so
// the interop bindings made before the image was taken are replayed from copies of their signatures.
//
// Everything here leans on the runtime's internals (.NET 10.0.12): the import mono_wasm_bind_js_import_ST and
// INTERNAL.mono_wasm_bind_cs_function, the layout of a binding signature, and that the loader reads the module's
// exports through the instance it is handed. The fingerprint ties an image to the runtime and assemblies it was
// taken from; a mismatch boots normally.

/** Bump when the image's layout or the host's replay protocol changes: older images then boot normally. */
export const IMAGE_FORMAT = 2;

const PAGE = 4096;

/**
 * What an image depends on, as this isolate sees it: the boot configuration's SHA-256 of dotnet.native.wasm and
 * of every assembly (the build checks those against the bundled files), the compiled module's count of imports and
 * exports, the runtime's options, this host's format and the SHA-256 of the host's files (host.gen.mjs, written by the
 * build that bundled them). Equal fingerprints mean the image was taken from these inputs. Kept short: it is hashed
 * by cold JavaScript at every start (naming each import and export cost 2 ms).
 */
export function fingerprint(config, nativeWasm, options, hostHash) {
  const resources = config.resources ?? {};
  const parts = [`pmcp-image/${IMAGE_FORMAT}`, `host:${hostHash ?? ""}`, config.mainAssemblyName, resources.hash ?? ""];
  for (const group of ["wasmNative", "coreAssembly", "assembly"]) {
    for (const asset of resources[group] ?? []) parts.push(`${group}:${asset.name}:${asset.hash ?? ""}`);
  }
  parts.push(`module:${WebAssembly.Module.imports(nativeWasm).length}:${WebAssembly.Module.exports(nativeWasm).length}`);
  parts.push(JSON.stringify(options));
  return hash(parts.join("\n"));
}

/** FNV-1a, two 32-bit lanes: a consistency check, not a security boundary. */
function hash(text) {
  let a = 0x811c9dc5, b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (a >>> 7), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

/**
 * Installs the hook on WebAssembly.instantiate for dotnet.native.wasm and tracks what an image needs.
 * @param {object} assets what the shim bundles (worker-host.mjs): nativeWasm, image ({ meta, data } or null to boot),
 *   assemblies (an image leaves out the copies .NET keeps of them in its memory, the same bytes, and a restore writes
 *   them back from the bundle) and hostHash (host.gen.mjs)
 * @param {boolean} recording boot normally and record the bindings, so that capture() can take an image
 */
export function imageSupport({ nativeWasm, image = null, assemblies, hostHash }, recording) {
  const state = {
    /** "boot" or "restore"; decided in onConfigLoaded, before the module is instantiated. */
    mode: image ? "restore" : "boot",
    /** Why an image was not used, for the log. */
    rejected: null,
    realExports: null,
    realBindJsImport: null,
    jsImports: [],
    csExports: [],
    fingerprint: null,
    restoreMs: 0,
    /** Recording: linear memory as instantiated (the data segments), before the module's constructors ran. */
    fresh: null,
    /** Recording: [name, pointer, length] of each assembly .NET copied into its memory. */
    loadedAssemblies: [],
  };

  /** Called with the loader's configuration: keeps the image only if it was taken from these inputs. */
  function decide(config, options) {
    if (!image && !recording) return; // a plain boot: nothing to compare, so no fingerprint to pay for at startup
    state.fingerprint = fingerprint(config, nativeWasm, options, hostHash);
    if (!image) return;
    const meta = image.meta;
    if (meta?.format !== IMAGE_FORMAT) state.rejected = `its format is ${meta?.format}, this host reads ${IMAGE_FORMAT}`;
    else if (meta.fingerprint !== state.fingerprint) state.rejected = `it was taken from other inputs (image ${meta.fingerprint}, bundle ${state.fingerprint})`;
    else if (image.data.byteLength !== meta.dataBytes) state.rejected = `its data is ${image.data.byteLength} bytes, not ${meta.dataBytes}`;
    if (state.rejected) state.mode = "boot";
  }

  // A binding's signature buffer is freed by .NET right after binding, so a replay needs a copy of its bytes.
  // Layout (dotnet.runtime.js): a 32-byte header {version, argc, handle, …, nameOffset@16, nameLength@20,
  // moduleOffset@24, moduleLength@28}, then (argc + 2) 32-byte argument signatures, then the UTF-16 names.
  function signatureBytes(pointer) {
    const view = new DataView(state.realExports.memory.buffer);
    const u32 = (offset) => view.getUint32(pointer + offset, true);
    let length = 32 + (u32(4) + 2) * 32;
    if (u32(16)) length = Math.max(length, u32(16) + 2 * u32(20));
    if (u32(24)) length = Math.max(length, u32(24) + 2 * u32(28));
    return new Uint8Array(state.realExports.memory.buffer, pointer, length + 16).slice();
  }

  /** Copies bytes into a fresh (never freed) buffer of the restored heap. */
  function place(bytes) {
    const pointer = state.realExports.malloc(bytes.length);
    new Uint8Array(state.realExports.memory.buffer).set(bytes, pointer);
    return pointer;
  }

  const realInstantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (module, imports) {
    if (module !== nativeWasm) return realInstantiate.call(WebAssembly, module, imports);
    WebAssembly.instantiate = realInstantiate;
    const env = imports.env;
    const realBind = (state.realBindJsImport = env.mono_wasm_bind_js_import_ST);
    if (recording) {
      env.mono_wasm_bind_js_import_ST = (signature) => {
        state.jsImports.push(signatureBytes(signature));
        return realBind(signature);
      };
    }

    const instance = await realInstantiate.call(WebAssembly, module, imports);
    const real = (state.realExports = instance.exports);
    if (recording) {
      state.fresh = new Uint8Array(real.memory.buffer).slice(0, real.sbrk(0));
      const exports = Object.assign({}, real);
      exports.mono_wasm_add_assembly = (name, data, length) => {
        state.loadedAssemblies.push([cString(real.memory, name), data, length]);
        return real.mono_wasm_add_assembly(name, data, length);
      };
      return { exports };
    }
    if (state.mode !== "restore") return instance;

    // Grown now, before emscripten makes its views of the memory.
    const meta = image.meta;
    const memory = real.memory;
    if (meta.memoryBytes > memory.buffer.byteLength) memory.grow((meta.memoryBytes - memory.buffer.byteLength) / 65536);
    const exports = Object.assign({}, real);
    exports.__wasm_call_ctors = () => {
      // Pages the image left out because they held the data segments unchanged: as instantiated, before the
      // constructors write to them.
      const last = meta.freshPages.at(-1);
      const fresh = last ? new Uint8Array(memory.buffer).slice(0, (last[0] + last[1]) * PAGE) : null;
      real.__wasm_call_ctors(); // sets the stack bounds (globals the module does not export) and C static state
      const started = performance.now();
      const heap = new Uint8Array(memory.buffer);
      heap.fill(0, 0, real.sbrk(0)); // above the fresh break the memory is zero already
      for (const [first, count] of meta.freshPages) heap.set(fresh.subarray(first * PAGE, (first + count) * PAGE), first * PAGE);
      const data = new Uint8Array(image.data);
      let offset = 0;
      for (const [first, count] of meta.pages) {
        heap.set(data.subarray(offset, offset + count * PAGE), first * PAGE);
        offset += count * PAGE;
      }
      // The assemblies .NET loaded, at the addresses it loaded them to: the fingerprint proves these are those bytes.
      for (const [name, pointer, length] of meta.assemblies) heap.set(new Uint8Array(assemblies[name], 0, length), pointer);
      state.restoreMs = performance.now() - started;
    };
    exports.mono_wasm_load_runtime = () => {}; // mono is running in the image
    exports.mono_wasm_add_assembly = () => 1; // and has every assembly
    return { exports };
  };

  return {
    state,
    decide,

    /** After create(), in restore mode: the JS halves of the bindings made before the image was taken. */
    replay(api) {
      const meta = image.meta;
      const table = state.realExports.__indirect_function_table.length;
      if (table !== meta.tableLength) throw new Error(`pmcp: the restored runtime's function table has ${table} entries, the image's ${meta.tableLength}`);
      const data = new Uint8Array(image.data);
      for (const [offset, length] of meta.jsImports) state.realBindJsImport(place(data.subarray(offset, offset + length)));
      for (const { args, at: [offset, length] } of meta.csExports) api.INTERNAL.mono_wasm_bind_cs_function(...args, place(data.subarray(offset, offset + length)));
    },

    /** In record mode, before getAssemblyExports: records the [JSExport] bindings too. */
    recordExports(api) {
      const realBindCs = api.INTERNAL.mono_wasm_bind_cs_function;
      api.INTERNAL.mono_wasm_bind_cs_function = (...args) => {
        state.csExports.push({ args: args.slice(0, 6), signature: signatureBytes(args[6]) });
        return realBindCs(...args);
      };
    },

    /**
     * Takes the image. The runtime must be quiescent: no timer pending and no object shared across the interop
     * boundary, because the JS halves of both would be missing after a restore while .NET still counted on them.
     * dotnetLive: what .NET reports as live on its side (ImagePreparation.cs), or null.
     * Returns { meta, data } or throws with what is still live. Leaves the runtime unusable (it disposes proxies).
     */
    capture(api, pendingTimers, dotnetLive) {
      const problems = [];
      if (dotnetLive) problems.push(dotnetLive);
      if (pendingTimers > 0) problems.push(`${pendingTimers} timer(s) pending (a Task.Delay, a Timer or work still queued)`);
      const real = state.realExports;
      const memory = new Uint8Array(real.memory.buffer).slice();
      const stackPointer = real.stackSave();
      // The runtime's tables of objects shared with .NET are private; forceDisposeProxies reports each live one.
      const live = [];
      const saved = { warn: console.warn, log: console.log, debug: console.debug, info: console.info };
      const listen = (...args) => {
        const line = args.map(String).join(" ");
        // JS objects in the JS tables that .NET holds no proxy of (checked by ImagePreparation.cs) are harmless there:
        // a restored isolate simply starts without them. C# objects held by JS would be lost.
        if (line.includes("Proxy of C#") && line.includes("was still alive")) live.push(line.replace(/^MONO_WASM:\s*/, ""));
      };
      Object.assign(console, { warn: listen, log: listen, debug: listen, info: listen });
      try {
        api.INTERNAL.forceDisposeProxies(false, true);
      } finally {
        Object.assign(console, saved);
      }
      if (live.length > 0) problems.push(`${live.length} object(s) shared between .NET and JS are alive: ${live.slice(0, 5).join("; ")}`);
      if (problems.length > 0) {
        const error = new Error(`the runtime is not quiescent after the warm-up: ${problems.join("; ")}`);
        error.notQuiescent = true;
        throw error;
      }

      // Left out, because a restore has them anyway: the assemblies' bytes (the bundle holds them; each is checked to
      // be unchanged) and pages that still hold exactly what instantiation put there (the data segments).
      const assembliesLeftOut = [];
      for (const [name, pointer, length] of state.loadedAssemblies) {
        const bundled = assemblies[name];
        if (!bundled || bundled.byteLength !== length || !equalBytes(memory.subarray(pointer, pointer + length), new Uint8Array(bundled))) continue;
        memory.fill(0, pointer, pointer + length);
        assembliesLeftOut.push([name, pointer, length]);
      }
      const fresh = state.fresh;
      const freshPages = [];
      const isFresh = (page) => (page + 1) * PAGE <= fresh.length && equalBytes(memory.subarray(page * PAGE, (page + 1) * PAGE), fresh.subarray(page * PAGE, (page + 1) * PAGE));

      // The other non-zero 4 KiB pages, as runs [firstPage, count], followed by the signature copies.
      const words = new BigUint64Array(memory.buffer);
      const pages = [];
      const chunks = [];
      let bytes = 0;
      for (let page = 0; page < memory.length / PAGE; page++) {
        let used = false;
        for (let i = page * (PAGE / 8), end = i + PAGE / 8; i < end; i++) {
          if (words[i] !== 0n) { used = true; break; }
        }
        if (!used) continue;
        if (isFresh(page)) {
          addPage(freshPages, page);
          continue;
        }
        addPage(pages, page);
        chunks.push(memory.subarray(page * PAGE, (page + 1) * PAGE));
        bytes += PAGE;
      }
      const blob = (signature) => {
        const at = [bytes, signature.length];
        chunks.push(signature);
        bytes += signature.length;
        return at;
      };
      const jsImports = state.jsImports.map(blob);
      const csExports = state.csExports.map(({ args, signature }) => ({ args, at: blob(signature) }));
      const data = new Uint8Array(bytes);
      let offset = 0;
      for (const chunk of chunks) {
        data.set(chunk, offset);
        offset += chunk.length;
      }
      const meta = {
        format: IMAGE_FORMAT,
        fingerprint: state.fingerprint,
        memoryBytes: memory.length,
        pageBytes: pages.reduce((sum, [, count]) => sum + count * PAGE, 0),
        dataBytes: bytes,
        tableLength: real.__indirect_function_table.length,
        stackPointer,
        pages,
        freshPages,
        assemblies: assembliesLeftOut,
        jsImports,
        csExports,
      };
      return { meta, data };
    },
  };
}

/** Appends a page to runs of [firstPage, count]. */
function addPage(runs, page) {
  const last = runs[runs.length - 1];
  if (last && last[0] + last[1] === page) last[1]++;
  else runs.push([page, 1]);
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  const words = a.length % 4 === 0 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0;
  if (words) {
    const x = new Uint32Array(a.buffer, a.byteOffset, a.length / 4);
    const y = new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A NUL-terminated UTF-8 string in linear memory. */
function cString(memory, pointer) {
  const heap = new Uint8Array(memory.buffer);
  let end = pointer;
  while (heap[end] !== 0) end++;
  return new TextDecoder().decode(heap.subarray(pointer, end));
}
