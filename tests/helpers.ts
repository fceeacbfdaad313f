import type { ByteSource } from "../core/platform.ts";
import { type WriteColumn, writeParquet } from "../core/data/parquet_write.ts";

/** A ByteSource over bytes in memory. */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    byteLength: bytes.length,
    slice: (start, end) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.length)) as ArrayBuffer,
  };
}

/** A Parquet file in memory from columns. */
export function parquetSource(name: string, columns: WriteColumn[]): ByteSource {
  return memorySource(name, writeParquet(columns));
}
