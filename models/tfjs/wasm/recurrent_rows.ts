// The LSTM and GRU recurrences over a block of batch rows, every step, forward or backward: rows never meet in a
// recurrence (h_t of a row depends only on the row's own h_{t-1}), so each thread runs whole sequences for its own rows
// with no synchronisation between steps (wasm/row_blocks.ts cuts the batch, wasm/heap_threads.ts runs the blocks). Arrays are
// byte offsets on the heap of whole-batch tensors, time-major (step t's rows at t b); a block is rows r0 .. r0 + n.
// These functions run on helper threads from their source text (Function.prototype.toString): they use nothing but
// their arguments.

/**
 * gemm.wat's gemm (C = A B, see there), and the pointwise kernels of recurrent_kernels.wat. The products' B is U or U^T
 * packed once (packedU, packedUT); gemm does not read its unpacked `b` argument then, which is U's offset either way.
 */
type Kernel = (...args: number[]) => void;

/**
 * Forward: per step, hu = h U for the block's rows (a zero state at t = 0: hu starts zeroed), then the gates, cell and
 * state (recurrent_kernels.wat's `lstm_forward`, the 4H `bias` added to xz), the states written into hs. U is packed once for
 * every step (gemm.ts's packInto) at `packedU`; `work` is gemm's workspace (its edge tile).
 */
export function lstmForwardRows(
  gemm: Kernel,
  forward: Kernel,
  xz: number,
  u: number,
  zero: number,
  sigs: number,
  gs: number,
  cs: number,
  tcs: number,
  h: number,
  hs: number,
  hu: number,
  b: number,
  H: number,
  steps: number,
  r0: number,
  n: number,
  packedU: number,
  bias: number,
  work: number,
): void {
  const row = 4 * H, step = b * row;
  for (let t = 0; t < steps; t++) {
    if (t > 0) gemm(h + r0 * row, u, hu + 4 * r0 * row, n, H, 4 * H, row, 4, 4 * row, 4, 4 * row, 0, 0, packedU, work);
    const at = t * step + r0 * row;
    const cPrev = t === 0 ? zero + r0 * row : at - step + cs;
    forward(xz + 4 * at, hu + 4 * r0 * row, cPrev, sigs + 3 * at, gs + at, cs + at, tcs + at, h + r0 * row, hs + at, n, H, bias);
  }
}

/**
 * Backward: per step from the last, the gradients of the gates, cell and pre-activations (recurrent_kernels.wat's
 * `lstm_backward`, dz written into dxz), then dhu = dz U^T for the next (earlier) step (U^T packed once at `packedUT`); dhu
 * and dc start zeroed. dy is every step's (L b, H), or with `last` (1) the last step's (b, H) alone.
 */
export function lstmBackwardRows(
  gemm: Kernel,
  backward: Kernel,
  dy: number,
  dhu: number,
  dc: number,
  sigs: number,
  gs: number,
  cs: number,
  zero: number,
  tcs: number,
  dz: number,
  dxz: number,
  u: number,
  b: number,
  H: number,
  steps: number,
  r0: number,
  n: number,
  packedUT: number,
  last: number,
  work: number,
): void {
  const row = 4 * H, step = b * row;
  for (let t = steps - 1; t >= 0; t--) {
    const at = t * step + r0 * row;
    const cPrev = t === 0 ? zero + r0 * row : at - step + cs;
    // with `last`, dy is the last step's (b, H) alone, and the earlier steps' is zero
    const dyAt = !last ? dy + at : t === steps - 1 ? dy + r0 * row : zero + r0 * row;
    backward(dyAt, dhu + r0 * row, dc + r0 * row, sigs + 3 * at, gs + at, cPrev, tcs + at, dz + 4 * r0 * row, dxz + 4 * at, n, H);
    if (t > 0) gemm(dz + 4 * r0 * row, u, dhu + r0 * row, n, 4 * H, H, 4 * row, 4, row, 4, row, 0, 0, packedUT, work);
  }
}

/**
 * GRU forward: per step, hz = h U for the block's rows (zero at t = 0: hz starts zeroed, and so does h), then the gates
 * and state (recurrent_kernels.wat's `gru_forward`, which adds the input projection's `bias` and the recurrent `bh`), the
 * states written into hs. U (H, 3H) is packed once at `packedU`.
 */
export function gruForwardRows(
  gemm: Kernel,
  forward: Kernel,
  xz: number,
  u: number,
  hz: number,
  bias: number,
  bh: number,
  rz: number,
  hn: number,
  ns: number,
  h: number,
  hs: number,
  b: number,
  H: number,
  steps: number,
  r0: number,
  n: number,
  packedU: number,
  work: number,
): void {
  const row = 4 * H, step = b * row;
  for (let t = 0; t < steps; t++) {
    if (t > 0) gemm(h + r0 * row, u, hz + 3 * r0 * row, n, H, 3 * H, row, 4, 3 * row, 4, 3 * row, 0, 0, packedU, work);
    const at = t * step + r0 * row;
    forward(xz + 3 * at, hz + 3 * r0 * row, bias, bh, rz + 2 * at, hn + at, ns + at, h + r0 * row, hs + at, n, H);
  }
}

/**
 * GRU backward: per step from the last, the gates' gradients (recurrent_kernels.wat's `gru_backward`: the inputs' into
 * dxz, the recurrent product's into dhz, both whole-sequence), then dhu = dhz_t U^T for the earlier step, read straight
 * from dhz's rows (U^T packed once at `packedUT`); dhu and carry start zeroed. dy is every step's (L b, H), or with
 * `last` (1) the last step's (b, H) alone; the previous states are hs's (zero before the first step).
 */
export function gruBackwardRows(
  gemm: Kernel,
  backward: Kernel,
  dy: number,
  dhu: number,
  carry: number,
  rz: number,
  hn: number,
  ns: number,
  hs: number,
  zero: number,
  dxz: number,
  dhz: number,
  u: number,
  b: number,
  H: number,
  steps: number,
  r0: number,
  n: number,
  packedUT: number,
  last: number,
  work: number,
): void {
  const row = 4 * H, step = b * row;
  for (let t = steps - 1; t >= 0; t--) {
    const at = t * step + r0 * row;
    const hPrev = t === 0 ? zero + r0 * row : hs + at - step;
    const dyAt = !last ? dy + at : t === steps - 1 ? dy + r0 * row : zero + r0 * row;
    backward(dyAt, dhu + r0 * row, carry + r0 * row, rz + 2 * at, hn + at, ns + at, hPrev, dxz + 3 * at, dhz + 3 * at, n, H);
    if (t > 0) gemm(dhz + 3 * at, u, dhu + r0 * row, n, 3 * H, H, 3 * row, 4, row, 4, row, 0, 0, packedUT, work);
  }
}
