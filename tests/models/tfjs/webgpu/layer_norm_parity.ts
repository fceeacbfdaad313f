// The fused LayerNorm (models/tfjs/webgpu/layer_norm_fused.ts) against the layer's unfused path on the same adapter, and
// a whole transformer's training steps with the fused kernels on and off; run by fused_parity_check.ts ("layer_norm").
import * as tf from "@tensorflow/tfjs";
import { LayerNorm } from "../../../../models/tfjs/layers/layer_norm.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { transformer } from "../../../../models/transformer/transformer.ts";
import type { ParityCase, Sweep } from "./fused_parity.ts";
import { failOnGpuErrors, layerOnOff, modelStepParity, relError } from "./parity_helpers.ts";

/**
 * A LayerNorm layer with random gamma and beta on x (b, L, d) of mean 2 and deviation 3, flag on and off: the output and
 * the gradients of a fixed random weighting of it with respect to x, gamma and beta, and the dispatches of a training
 * call (forward and backward) either way.
 */
async function layerCase(b: number, L: number, d: number, counter: ReturnType<typeof countDispatches>, fusedPath = "fused"): Promise<ParityCase> {
  const layer = new LayerNorm();
  layer.build([b, L, d]);
  layer.setWeights([tf.randomNormal([d], 1, 0.3, "float32", 2), tf.randomNormal([d], 0, 0.3, "float32", 3)]);
  const x = tf.add(tf.mul(tf.randomNormal([b, L, d], 0, 1, "float32", 1), 3), 2);
  const k = tf.randomNormal([b, L, d], 0, 1, "float32", 4);
  const vars = layer.trainableWeights.map((w) => w.read());
  const { fused, plain, dispatches, paths } = layerOnOff(layer, x, k, vars, counter);
  if (paths[0] !== fusedPath || paths[1] !== "unfused (fused kernels off)") {
    throw new Error(`layer_norm parity: the layer said "${paths[0]}" on, "${paths[1]}" off`);
  }
  const errors: Record<string, number> = {};
  for (const [i, name] of ["output", "dx", "dgamma", "dbeta"].entries()) errors[name] = await relError(fused[i], plain[i]);
  tf.dispose([x, k, ...fused, ...plain]);
  for (const w of layer.weights) w.dispose();
  return { name: `layer norm ${b}x${L}x${d}`, errors, dispatches: dispatches[0], unfusedDispatches: dispatches[1] };
}

/**
 * The fused LayerNorm on batch 1 and 37, widths 17, 64 and 128, lengths 1, 60 and 200; a width beyond it; a transformer's
 * training steps. `sweep` "short" (SwiftShader, where the unfused layer is slow): lengths 1 and 14, and 37 x 60 x 128,
 * whose 2,220 rows are more than the backward's 512 workgroups take one chunk each.
 */
export function parity(sweep: Sweep = "default"): Promise<ParityCase[]> {
  return failOnGpuErrors(async () => {
    const cases: ParityCase[] = [];
    const counter = countDispatches(tf.backend());
    try {
      for (const b of [1, 37]) {
        for (const d of [17, 64, 128]) for (const L of sweep === "short" ? [1, 14] : [1, 60, 200]) cases.push(await layerCase(b, L, d, counter));
      }
      if (sweep === "short") cases.push(await layerCase(37, 60, 128, counter));
      // past what a workgroup's lanes hold: the layer takes its unfused path and says why
      cases.push(await layerCase(3, 2, 2049, counter, "unfused (width 2049 exceeds 2048)"));
      cases.push(await modelStepParity("transformer", transformer, { d_model: 17, heads: 1, ff: 23, layers: 2, learning_rate: 0.01 }, { counter }));
    } finally {
      counter.stop();
      setFusedKernels(true);
    }
    return cases;
  });
}
