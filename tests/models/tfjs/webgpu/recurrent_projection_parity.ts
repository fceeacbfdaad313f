// The fused input projection (models/tfjs/webgpu/recurrent_projection.ts, recurrent_products.ts) against tfjs's
// transpose and product, run under Deno on lavapipe by fused_parity_check.ts ("recurrent_projection").
import * as tf from "@tensorflow/tfjs";
import { projectTimeMajorFused } from "../../../../models/tfjs/webgpu/recurrent_projection.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import type { ParityCase } from "./fused_parity.ts";
import { relError } from "./parity_helpers.ts";

/**
 * x W time-major from a batch-major window x (b, L, F), fused and with tfjs: the output, and the gradients of a fixed
 * random weighting of it with respect to x (a stacked layer's input) and W; `dispatches` counts the fused forward.
 * Batch 1 and 37, window 1, 60 and 200, 9 and 107 features, widths of a multiple of 4 (68, 256, 512) and not (51).
 */
export async function parity(): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  const counter = countDispatches(tf.backend());
  try {
    for (const [b, L, F, G] of [[1, 1, 9, 68], [37, 60, 107, 256], [37, 12, 9, 51], [1, 200, 107, 512], [37, 200, 9, 51]]) {
      const x = tf.randomNormal([b, L, F], 0, 1, "float32", 1) as tf.Tensor3D;
      const w = tf.randomNormal([F, G], 0, 0.3, "float32", 2) as tf.Tensor2D;
      const k = tf.randomNormal([L * b, G], 0, 1, "float32", 3);
      const plain = (a: tf.Tensor3D, v: tf.Tensor2D) => tf.matMul(tf.reshape(tf.transpose(a, [1, 0, 2]), [L * b, F]), v) as tf.Tensor2D;
      counter.reset();
      const out = projectTimeMajorFused(x, w)!;
      const dispatches = counter.counts().dispatches;
      const expected = plain(x, w);
      const grads = (f: (a: tf.Tensor3D, v: tf.Tensor2D) => tf.Tensor2D) =>
        tf.grads((a: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor3D, v as tf.Tensor2D), k)))([x, w]);
      const fusedGrads = grads((a, v) => projectTimeMajorFused(a, v)!), plainGrads = grads(plain);
      cases.push({
        name: `projection b=${b} L=${L} F=${F} G=${G}`,
        errors: {
          output: await relError(out, expected),
          dx: await relError(fusedGrads[0], plainGrads[0]),
          dw: await relError(fusedGrads[1], plainGrads[1]),
        },
        dispatches,
      });
      tf.dispose([x, w, k, out, expected, ...fusedGrads, ...plainGrads]);
    }
  } finally {
    counter.stop();
  }
  return cases;
}
