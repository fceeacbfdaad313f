import { hostStorage } from "../host_storage.ts";
import { heapModule } from "./heap_module.ts";
import { wasmThreads } from "./gemm.ts";
import { guidedShares, type Share } from "./heap_threads.ts";
import { RECURRENT_KERNELS_WASM } from "./recurrent_kernels_wasm.ts";

/** The backend call this needs: freeing its temporaries. */
interface Backend {
  disposeData(id: object): void;
}

/**
 * Runs a recurrence (recurrent_rows.ts) over blocks of the batch's `b` rows, largest first, that the threads take in
 * turn: rows never meet in a recurrence, so a block is whole sequences with no synchronisation between steps. Blocks
 * are whole 4-row tiles of the per-step products, whose right operand comes packed, so each thread's gemm workspace is
 * its edge tile.
 */
export function byRows(backend: Backend, b: number, share: (r0: number, n: number) => Share): void {
  const threads = wasmThreads(backend);
  const workBytes = 128;
  const work = hostStorage("wasm", backend)!.make([(threads.threads * workBytes) / 4], "float32").info;
  try {
    const w = heapModule(RECURRENT_KERNELS_WASM, backend).offset(work);
    const shares = guidedShares(Math.ceil(b / 4), threads.threads).map(({ from, count }) => share(4 * from, Math.min(4 * (from + count), b) - 4 * from));
    threads.run(shares, Array.from({ length: threads.threads }, (_, t) => w + t * workBytes));
  } finally {
    backend.disposeData(work.dataId);
  }
}
