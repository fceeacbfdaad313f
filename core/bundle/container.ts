import { z } from "zod";
import { DataError } from "../errors.ts";
import { BundleHeader, FORMAT, type HeaderDraft, MAGIC, VERSION } from "./format.ts";

/**
 * The bundle's outer layout: `MFBUNDLE`, the header's byte length (uint32, little-endian), the header
 * (UTF-8 JSON), then each section at an 8-byte-aligned offset the header names.
 */

const ALIGN = 8;
const PREFIX = MAGIC.length + 4;

/** Lays out a header and sections (name -> bytes) as one bundle. */
export function packBundle(draft: HeaderDraft, sections: Record<string, Uint8Array>): Uint8Array {
  const names = Object.keys(sections);
  // the header's length depends on the offsets it holds: lay out with generous offsets, then settle
  let offsets = names.map(() => 0);
  let headerBytes: Uint8Array = new Uint8Array(0);
  for (let pass = 0;; pass++) {
    if (pass === 10) throw new Error("packBundle: the section offsets did not settle"); // offsets only grow, so this cannot happen
    const header = { ...draft, sections: Object.fromEntries(names.map((n, i) => [n, { offset: offsets[i], length: sections[n].length }])) };
    headerBytes = new TextEncoder().encode(JSON.stringify(header));
    let at = align(PREFIX + headerBytes.length);
    const next = names.map((n) => {
      const offset = at;
      at = align(at + sections[n].length);
      return offset;
    });
    if (next.every((o, i) => o === offsets[i])) break;
    offsets = next;
  }
  const total = names.length ? align(offsets.at(-1)! + sections[names.at(-1)!].length) : align(PREFIX + headerBytes.length);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, PREFIX);
  names.forEach((n, i) => out.set(sections[n], offsets[i]));
  return out;
}

/** A bundle split into its validated header and its sections' bytes (views into the input, not copies). */
export interface UnpackedBundle {
  header: BundleHeader;
  sections: Record<string, Uint8Array>;
}

/**
 * Reads a bundle's outer layout and validates its header. `name` is what messages call the file.
 * A file that is not a bundle, a version this code does not read, a malformed header or a section
 * outside the file is a DataError saying which.
 */
export function unpackBundle(bytes: Uint8Array, name = "bundle"): UnpackedBundle {
  const fail = (why: string) => new DataError(`${name}: ${why}`, { file: name });
  if (bytes.length < PREFIX || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw fail(`not a Model Factory bundle: it does not start with "${MAGIC}"`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  if (PREFIX + length > bytes.length) throw fail(`truncated: the header is ${length} bytes but the file has ${bytes.length - PREFIX} after the prefix`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + length)));
  } catch (error) {
    throw fail(`the header is not valid JSON: ${(error as Error).message}`);
  }
  const head = z.looseObject({ format: z.unknown(), version: z.unknown() }).safeParse(json);
  if (!head.success) throw fail(`the header is not a JSON object`);
  if (head.data.format !== FORMAT) throw fail(`not a Model Factory bundle: its format is ${JSON.stringify(head.data.format)}, expected "${FORMAT}"`);
  if (head.data.version !== VERSION) {
    const newer = typeof head.data.version === "number" && head.data.version > VERSION;
    throw fail(
      `bundle version ${JSON.stringify(head.data.version)} is not supported: this Model Factory reads version ${VERSION}${
        newer ? "; the bundle was made by a newer Model Factory, update to open it" : ""
      }`,
    );
  }
  const parsed = BundleHeader.safeParse(json);
  if (!parsed.success) throw fail(`the header is malformed:\n${z.prettifyError(parsed.error)}`);
  const header = parsed.data;
  const sections: Record<string, Uint8Array> = {};
  for (const [section, place] of Object.entries(header.sections)) {
    if (!place) continue;
    const parsedPlace = z.object({ offset: z.number(), length: z.number() }).safeParse(place);
    if (!parsedPlace.success) continue; // an unknown section of another shape: a later writer's, ignored by the versioning rule
    const { offset, length: size } = parsedPlace.data;
    if (offset + size > bytes.length) {
      throw fail(`section "${section}" (bytes ${offset} to ${offset + size}) lies outside the file (${bytes.length} bytes); the file is truncated`);
    }
    sections[section] = bytes.subarray(offset, offset + size);
  }
  const ids = new Set<string>();
  for (const run of header.runs) {
    if (ids.has(run.id)) throw fail(`run ${run.id} appears twice in the header`);
    ids.add(run.id);
    if (!run.files.includes("run.json")) throw fail(`run ${run.id} has no run.json in its file list`);
    if (new Set(run.files).size !== run.files.length) throw fail(`run ${run.id} lists a file twice`);
  }
  return { header, sections };
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
