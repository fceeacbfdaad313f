/**
 * The trees' WebAssembly kernels (tree_kernels.wat) and the memory they work in. A caller lays its buffers out once
 * with `alloc` and keeps byte offsets; `u8`, `i32`, `f32` and `f64` make views, which a later `alloc` may detach (the
 * memory grows), so a caller that allocates again takes its views anew.
 */
import { TREE_KERNELS_WASM } from "./tree_kernels_wasm.ts";

/** The kernels' exports; every pointer is a byte offset into `memory` (see tree_kernels.wat for each one's contract). */
export interface TreeKernelExports {
  memory: WebAssembly.Memory;
  gather(order: number, m: number, stats: number, channels: number, out: number): void;
  hist2x4(idx: number, m: number, gh: number, c0: number, c1: number, c2: number, c3: number, h0: number, h1: number, h2: number, h3: number): void;
  hist(idx: number, m: number, gh: number, channels: number, col: number, hist: number): void;
  partition(rows: number, n: number, col: number, bin: number, defaultLeft: number, scratch: number): number;
  score(bins: number, rows: number, cols: number, root: number, nOut: number, output: number, scores: number): void;
  leaves(bins: number, rows: number, cols: number, root: number, out: number): void;
}

const PAGE = 65536;
/** wasm32's whole address space. */
const MAX_BYTES = 2 ** 32;
let compiled: WebAssembly.Module | undefined;

/** The compiled module, once per thread (small enough to compile synchronously, even on a page's main thread). */
function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    const text = atob(TREE_KERNELS_WASM);
    compiled = new WebAssembly.Module(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  }
  return compiled;
}

/** One instance of the kernels with a bump-allocated memory. */
export class TreeKernels {
  readonly run: TreeKernelExports;
  private top = 8;

  constructor() {
    this.run = new WebAssembly.Instance(kernelModule(), {}).exports as unknown as TreeKernelExports;
  }

  /** Reserves `bytes` (8-byte aligned) and returns their offset; grows the memory, detaching earlier views, when needed. */
  alloc(bytes: number, what: string): number {
    const offset = this.top, top = offset + Math.ceil(bytes / 8) * 8;
    if (top > MAX_BYTES) {
      throw new RangeError(
        `The trees need ${Math.ceil(top / 2 ** 20)} MiB of WebAssembly memory for ${what}, more than its 4096 MiB: use fewer rows or features`,
      );
    }
    const have = this.run.memory.buffer.byteLength;
    if (top > have) this.run.memory.grow(Math.ceil((top - have) / PAGE));
    this.top = top;
    return offset;
  }

  u8(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.run.memory.buffer, offset, length);
  }

  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.run.memory.buffer, offset, length);
  }

  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.run.memory.buffer, offset, length);
  }

  f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.run.memory.buffer, offset, length);
  }
}
