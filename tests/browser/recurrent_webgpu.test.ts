import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GpuLike } from "../../core/platform.ts";
import { gruSequence } from "../../models/gru/gru_op.ts";
import { lstmSequence } from "../../models/lstm/lstm_op.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import { setFusedKernels } from "../../models/tfjs/webgpu/fused_flag.ts";
import { relError } from "../models/tfjs/webgpu/parity_helpers.ts";

// The fused WebGPU recurrences (models/tfjs/webgpu/lstm_kernels.ts, gru_kernels.ts) against the same ops'
// unfused tfjs path on the same adapter (SwiftShader here): outputs and every gradient within 1e-4
// relative error (max |a - b| / max |b|), on awkward shapes (issue 15): 17 units (one an invocation), 64 and 128 (four,
// on a CPU adapter), batch 1 and 37. The window is a uniform of the kernels, not part of their code, and the unfused
// reference costs seconds a step here, so 12 steps at most (lavapipe runs windows of 60 and 200: fused_parity.ts).
const SHAPES: [batch: number, units: number, steps: number][] = [[1, 17, 1], [37, 17, 12], [1, 64, 12], [37, 128, 12]];

type Sequence = (xz: tf.Tensor2D, u: tf.Tensor2D, bh: tf.Tensor1D, steps: number, note: (path: string) => void) => tf.Tensor2D;
const CELLS: { name: string; gates: number; run: Sequence; withBias: boolean }[] = [
  { name: "lstm", gates: 4, run: (xz, u, _bh, steps, note) => lstmSequence(xz, u, steps, note), withBias: false },
  { name: "gru", gates: 3, run: (xz, u, bh, steps, note) => gruSequence(xz, u, bh, steps, note), withBias: true },
];

/** The op's output and gradients (xz, u and, for the GRU, bh) under a fixed random loss, and the paths it noted. */
async function outputsAndGrads(cell: (typeof CELLS)[number], [b, H, L]: [number, number, number], fused: boolean) {
  setFusedKernels(fused);
  const xz = tf.randomNormal([L * b, cell.gates * H], 0, 1, "float32", 1) as tf.Tensor2D;
  const u = tf.randomNormal([H, cell.gates * H], 0, 1 / Math.sqrt(H), "float32", 2) as tf.Tensor2D;
  const bh = tf.randomNormal([cell.gates * H], 0, 0.5, "float32", 4) as tf.Tensor1D;
  const w = tf.randomNormal([L * b, H], 0, 1, "float32", 3);
  const paths: string[] = [];
  const note = (p: string) => void paths.push(p);
  const y = cell.run(xz, u, bh, L, note);
  const loss = (...a: tf.Tensor[]) => tf.sum(tf.mul(cell.run(a[0] as tf.Tensor2D, a[1] as tf.Tensor2D, (a[2] ?? bh) as tf.Tensor1D, L, note), w));
  const grads = tf.grads(loss)(cell.withBias ? [xz, u, bh] : [xz, u]);
  return { values: [y, ...grads], paths };
}

describe("fused WebGPU recurrences", () => {
  beforeAll(async () => {
    const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
    await selectBackend("webgpu", { gpu });
  });
  afterAll(() => setFusedKernels(true));

  for (const cell of CELLS) {
    it(`${cell.name}: fused outputs and gradients equal the unfused path's within 1e-4 (batch 1 and 37, units 17, 64 and 128, window 1 and 12)`, async () => {
      for (const shape of SHAPES) {
        const fused = await outputsAndGrads(cell, shape, true);
        const plain = await outputsAndGrads(cell, shape, false);
        expect(fused.paths, `${shape}`).toEqual(["fused", "fused"]);
        expect(plain.paths).toEqual(["unfused (fused kernels off)", "unfused (fused kernels off)"]);
        const errors = await Promise.all(plain.values.map((p, k) => relError(fused.values[k], p)));
        for (const e of errors) expect(e, `${cell.name} ${shape}: output and gradients ${errors}`).toBeLessThan(1e-4);
        tf.dispose([...fused.values, ...plain.values]);
      }
    });
  }

  it("a shape beyond the device's limits takes the unfused path and says why", async () => {
    const limit =
      (tf.backend() as unknown as { device: { limits: { maxComputeInvocationsPerWorkgroup: number } } }).device.limits.maxComputeInvocationsPerWorkgroup;
    const { values, paths } = await outputsAndGrads(CELLS[0], [2, limit + 1, 2], true);
    expect(paths[0]).toMatch(new RegExp(`^unfused \\(${limit + 1} units exceed \\d+ invocations per workgroup\\)$`));
    tf.dispose(values);
  });
});
