import { DataError } from "../core/errors.ts";
import type { ByteSource } from "../core/platform.ts";

/** A ByteSource over a file on disk that can be closed. */
export interface FileSource extends ByteSource {
  close(): void;
}

/**
 * Opens a file for random-access reads without loading it whole. Reads are serialised because a
 * Deno file handle has one cursor (seek + read), and hyparquet issues several slices at once.
 */
export async function openFile(path: string): Promise<FileSource> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new DataError(`File not found: ${path}`, { file: path });
    throw error;
  }
  if (!stat.isFile) throw new DataError(`${path} is not a file`, { file: path });
  const file = await Deno.open(path, { read: true });
  let queue: Promise<unknown> = Promise.resolve();
  const readAt = async (start: number, end: number): Promise<ArrayBuffer> => {
    const out = new Uint8Array(end - start);
    await file.seek(start, Deno.SeekMode.Start);
    for (let offset = 0; offset < out.length;) {
      const n = await file.read(out.subarray(offset));
      if (n === null) throw new DataError(`${path} ended at byte ${start + offset}, expected ${end} bytes (was it truncated while reading?)`, { file: path });
      offset += n;
    }
    return out.buffer;
  };
  return {
    name: path,
    byteLength: stat.size,
    slice(start, end = stat.size) {
      const result = queue.then(() => readAt(start, Math.min(end, stat.size)));
      queue = result.catch(() => undefined); // the next read waits for this one, not for its success
      return result;
    },
    close: () => file.close(),
  };
}
