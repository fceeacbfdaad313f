// Web-platform globals that every runtime core/ targets has (browsers, Deno, Node), but that the
// ES library types lack. Only the DOM-free check (tsconfig.core.json) reads this file.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
  readonly pathname: string;
  readonly protocol: string;
  toString(): string;
  /** A blob: URL for a Blob (a worker's script, models/tfjs/wasm/gemm_threads.ts). */
  static createObjectURL(blob: Blob): string;
  static revokeObjectURL(url: string): void;
}
declare class Blob {
  constructor(parts: string[], options?: { type?: string });
}
interface ImportMeta {
  /** The module's own URL (ES modules in browsers, Deno and Node). */
  readonly url: string;
}
// The compression streams (browsers, Deno, Node 18+), as far as core/bundle uses them.
interface ByteReadable {
  getReader(): { read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }> };
}
interface ByteWritable {
  getWriter(): { write(chunk: Uint8Array): Promise<void>; close(): Promise<void> };
}
declare class CompressionStream {
  constructor(format: "gzip" | "deflate" | "deflate-raw");
  readonly readable: ByteReadable;
  readonly writable: ByteWritable;
}
declare class DecompressionStream {
  constructor(format: "gzip" | "deflate" | "deflate-raw");
  readonly readable: ByteReadable;
  readonly writable: ByteWritable;
}
// Base64 decoding (browsers, Deno, Node 16+), as models/trees/kernels uses it.
declare function atob(data: string): string;
// WebAssembly's JavaScript API (every runtime core/ targets), as far as models/ uses it.
declare namespace WebAssembly {
  function validate(bytes: Uint8Array): boolean;
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
