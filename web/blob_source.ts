import type { ByteSource } from "../core/platform.ts";

/** A ByteSource over a browser File or Blob: slices are read lazily, the file is never copied whole. */
export function blobSource(blob: Blob, name = blob instanceof File ? blob.name : "blob"): ByteSource {
  return {
    name,
    byteLength: blob.size,
    slice: (start, end) => blob.slice(start, end).arrayBuffer(),
  };
}
