// WebCrypto for .NET (Pmcp.Workers.Crypto.SubtleCrypto): workerd's crypto.subtle, which computes in BoringSSL at
// native speed where the interpreter would take ~100x longer, and has what browser-wasm .NET lacks (AES, RSA, ECDSA,
// Ed25519, HKDF, PBKDF2).
//
// Keys: .NET holds every key's bytes (raw, SPKI or PKCS#8) and names the key by a number; the CryptoKey objects
// imported from those bytes are cached here per isolate, the least recently used dropped past MAX_KEYS, so a key is
// parsed once however often it signs, and nothing leaks when .NET forgets a key. CryptoKeys are not I/O objects:
// one imported in one request's context may be used in any other's.
//
// Promises: workerd's crypto.subtle does its work synchronously and returns settled promises, so a cryptoCall settles
// in the same turn of the same request's context that started it; it never waits on another request, unlike the
// socket and stream operations that go through a request's inbox (inbox.mjs). The cache keeps keys, never promises.
//
// Results: .NET cannot receive Task<byte[]>, so bytes are parked in slots and the call resolves to the slot's number
// (or two, comma-separated, for a key pair); .NET takes them at once with cryptoTake. Verify resolves to "true"/"false",
// exportJwk to the JWK's JSON.
import { copyView } from "./bindings.mjs";

const MAX_KEYS = 256;
const EMPTY = new Uint8Array(0);
const BINARY_PARAMETERS = ["iv", "additionalData", "salt", "info"];
const keys = new Map();
const slots = new Map();
let nextSlot = 1;

function park(buffer) {
  const slot = nextSlot++;
  slots.set(slot, new Uint8Array(buffer));
  return slot;
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An operation's algorithm parameters, with the binary ones (base64 in the JSON) as bytes. */
function parameters(spec) {
  const params = { ...spec.params };
  for (const name of BINARY_PARAMETERS) if (typeof params[name] === "string") params[name] = fromBase64(params[name]);
  return params;
}

/** The CryptoKey for .NET's key: cached, or imported from its bytes (not extractable: exports work from the bytes). */
async function keyFor(spec, material) {
  const k = spec.key;
  const cached = keys.get(k.id);
  if (cached) {
    keys.delete(k.id); // re-inserted below: most recently used last
    keys.set(k.id, cached);
    return cached;
  }
  const key = await crypto.subtle.importKey(k.format, material, k.alg, false, k.usages);
  keys.set(k.id, key);
  if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value);
  return key;
}

/** The members of a JWK WebCrypto needs: "use", "key_ops", "ext" and "alg" would only add ways to refuse it. */
function keyMembers(jwk) {
  const { kty, crv, x, y, d, n, e, p, q, dp, dq, qi, k } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, d, n, e, p, q, dp, dq, qi, k }).filter(([, v]) => v !== undefined));
}

const OPERATIONS = {
  digest: async (spec, material, data) => park(await crypto.subtle.digest(spec.hash, data)),
  sign: async (spec, material, data) => park(await crypto.subtle.sign(parameters(spec), await keyFor(spec, material), data)),
  verify: async (spec, material, data) => {
    const signature = data.subarray(0, spec.signatureLength);
    return String(await crypto.subtle.verify(parameters(spec), await keyFor(spec, material), signature, data.subarray(spec.signatureLength)));
  },
  encrypt: async (spec, material, data) => park(await crypto.subtle.encrypt(parameters(spec), await keyFor(spec, material), data)),
  decrypt: async (spec, material, data) => park(await crypto.subtle.decrypt(parameters(spec), await keyFor(spec, material), data)),
  deriveBits: async (spec, material) => park(await crypto.subtle.deriveBits(parameters(spec), await keyFor(spec, material), spec.length)),
  /** Parses a key and answers it as SPKI (public) or PKCS#8 (private): the forms .NET keeps. */
  import: async (spec, material, data) => {
    const keyData = spec.format === "jwk" ? keyMembers(spec.jwk) : data;
    const key = await crypto.subtle.importKey(spec.format, keyData, spec.alg, true, spec.usages);
    return park(await crypto.subtle.exportKey(key.type === "private" ? "pkcs8" : "spki", key));
  },
  exportRaw: async (spec, material) => park(await crypto.subtle.exportKey("raw", await importExtractable(spec, material))),
  exportJwk: async (spec, material) => JSON.stringify(keyMembers(await crypto.subtle.exportKey("jwk", await importExtractable(spec, material)))),
  generate: async (spec) => {
    const pair = await crypto.subtle.generateKey(spec.alg, true, spec.usages);
    return `${park(await crypto.subtle.exportKey("spki", pair.publicKey))},${park(await crypto.subtle.exportKey("pkcs8", pair.privateKey))}`;
  },
};

/** Exports need an extractable CryptoKey; .NET checked that its key may be exported. */
function importExtractable(spec, material) {
  return crypto.subtle.importKey(spec.key.format, material, spec.key.alg, true, spec.key.usages);
}

export function cryptoImports() {
  return {
    /**
     * Runs one crypto.subtle operation. material (a key's bytes) and data are views into .NET memory, copied before
     * anything awaits. Resolves to a string (see the top of this file).
     */
    cryptoCall(operation, specJson, material, data) {
      try {
        const keyBytes = material.length > 0 ? copyView(material) : (material?.dispose?.(), EMPTY);
        const bytes = data.length > 0 ? copyView(data) : (data?.dispose?.(), EMPTY);
        const run = OPERATIONS[operation];
        if (!run) throw new Error(`pmcp: unknown crypto operation '${operation}'`);
        // A DOMException's message alone ("Invalid key data") hides its kind (DataError, OperationError): keep both.
        return run(JSON.parse(specJson), keyBytes, bytes).then(String, (e) => {
          throw new Error(e?.name && e.name !== "Error" ? `${e.name}: ${e.message}` : String(e?.message ?? e));
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },

    /** The bytes of a slot, once. */
    cryptoTake(slot) {
      const bytes = slots.get(slot);
      if (bytes === undefined) throw new Error(`pmcp: no crypto result in slot ${slot}`);
      slots.delete(slot);
      return bytes;
    },
  };
}
