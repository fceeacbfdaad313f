import { DataError } from "../errors.ts";

// Standard base64 (RFC 4648, with padding). Written out because core has neither btoa nor Buffer,
// and a viewer page decodes megabytes with it: table lookups, no per-byte string building.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const CODES = new Uint8Array(ALPHABET.split("").map((c) => c.charCodeAt(0)));
const VALUES = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) VALUES[CODES[i]] = i;

/** Bytes as base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = CODES[n >> 18];
    out[o++] = CODES[(n >> 12) & 63];
    out[o++] = CODES[(n >> 6) & 63];
    out[o++] = CODES[n & 63];
  }
  const rest = bytes.length - i;
  if (rest) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = CODES[n >> 18];
    out[o++] = CODES[(n >> 12) & 63];
    out[o++] = rest === 2 ? CODES[(n >> 6) & 63] : 61;
    out[o++] = 61;
  }
  return new TextDecoder().decode(out);
}

/** Base64 text (whitespace ignored) as bytes; anything else is a DataError naming `what` and the position. */
export function decodeBase64(text: string, what = "base64 text"): Uint8Array {
  const chars = new TextEncoder().encode(text.replace(/\s+/g, ""));
  if (chars.length % 4) throw new DataError(`${what} is not base64: its length ${chars.length} is not a multiple of 4`);
  const pad = chars.length && chars[chars.length - 1] === 61 ? (chars[chars.length - 2] === 61 ? 2 : 1) : 0;
  const out = new Uint8Array((chars.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < chars.length; i += 4) {
    const last = i + 4 === chars.length;
    const a = VALUES[chars[i]], b = VALUES[chars[i + 1]];
    const c = last && pad === 2 ? 0 : VALUES[chars[i + 2]];
    const d = last && pad ? 0 : VALUES[chars[i + 3]];
    if ((a | b | c | d) < 0) {
      const at = i + [a, b, c, d].findIndex((v) => v < 0);
      throw new DataError(`${what} is not base64: character ${JSON.stringify(String.fromCharCode(chars[at]))} at ${at}`);
    }
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
