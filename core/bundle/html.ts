import { DataError } from "../errors.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { MAGIC } from "./format.ts";

/**
 * A bundle inside the viewer's HTML page, for the single-file export: a
 * `<script type="application/octet-stream" id="mf-bundle" data-encoding="gzip+base64">` element
 * holding the bundle gzipped and in base64, put where the built viewer has the marker below.
 */

/** Where the built viewer page takes the bundle (a comment in web/viewer/index.html). */
export const BUNDLE_MARKER = "<!-- mf-bundle -->";
/** The id of the script element that holds an embedded bundle. */
export const BUNDLE_ELEMENT_ID = "mf-bundle";

/** The viewer page with the bundle in it: one file that opens from file:// with nothing else. */
export async function embedBundle(viewerHtml: string, bundle: Uint8Array): Promise<string> {
  const at = viewerHtml.lastIndexOf(BUNDLE_MARKER);
  if (at < 0) throw new DataError(`The viewer page has no "${BUNDLE_MARKER}" marker: it is not a build of web/viewer/index.html`);
  const data = encodeBase64(await gzip(bundle));
  const element = `<script type="application/octet-stream" id="${BUNDLE_ELEMENT_ID}" data-encoding="gzip+base64">${data}</script>`;
  return viewerHtml.slice(0, at) + element + viewerHtml.slice(at + BUNDLE_MARKER.length);
}

/** The bundle bytes of an embedded element's text, given its `data-encoding` (`gzip+base64` or `base64`). */
export async function unembedBundle(text: string, encoding: string, name: string): Promise<Uint8Array> {
  if (encoding !== "gzip+base64" && encoding !== "base64") {
    throw new DataError(`${name}: the embedded bundle's encoding "${encoding}" is not gzip+base64 or base64`);
  }
  const bytes = decodeBase64(text, `${name}: the embedded bundle`);
  return encoding === "base64" ? bytes : await gunzip(bytes, name);
}

/**
 * The bundle in a file that is a bundle, or a viewer page with one embedded (a single-file export).
 * Anything else is a DataError saying what the file is not.
 */
export async function bundleBytes(file: Uint8Array, name: string): Promise<Uint8Array> {
  if (new TextDecoder().decode(file.subarray(0, MAGIC.length)) === MAGIC) return file;
  const html = new TextDecoder().decode(file);
  // the last such element is the data: the viewer's own script, earlier in the page, may mention the id
  const at = html.lastIndexOf(`id="${BUNDLE_ELEMENT_ID}"`);
  const open = html.lastIndexOf("<script", at);
  const end = html.indexOf(">", at);
  const close = html.indexOf("</script>", end);
  const tag = open < 0 || end < 0 ? "" : html.slice(open, end + 1);
  if (at < 0 || close < 0 || !/^<script type="application\/octet-stream" id="[^"]+"[^>]*>$/.test(tag)) {
    throw new DataError(
      `${name} is neither a Model Factory bundle (it does not start with "${MAGIC}") nor a viewer page with a bundle in it (no <script id="${BUNDLE_ELEMENT_ID}">)`,
      { file: name },
    );
  }
  const encoding = /data-encoding="([^"]*)"/.exec(tag)?.[1] ?? "base64";
  return unembedBundle(html.slice(end + 1, close), encoding, name);
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return through(bytes, new CompressionStream("gzip"));
}

async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  try {
    return await through(bytes, new DecompressionStream("gzip"));
  } catch (error) {
    throw new DataError(`${name}: the embedded bundle is not valid gzip: ${(error as Error).message}`, { file: name });
  }
}

/** Pushes bytes through a (de)compression stream, reading while writing so neither side stalls. */
async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => undefined); // a failure surfaces from the reading side below, once
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  await written;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
