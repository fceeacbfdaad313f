// Parity of PatchTST's fused patching (models/tfjs/webgpu/patching_fused.ts) against the Patching layer's tfjs slices
// with the flag off, loaded by fused_parity_check.ts as the check "patching": the patches and dx of a random weighting.
import * as tf from "@tensorflow/tfjs";
import { Patching } from "../../../../models/patchtst/patching.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import type { ParityCase } from "./fused_parity.ts";
import { relError } from "./parity_helpers.ts";

// [batch, L, F, patchLen, stride]: overlapping patches (PatchTST's default 8/4, at the 60 x 107), a window the
// patches do not tile (first step dropped), stride = patch length, patches with gaps between them, and one patch
const CASES: [number, number, number, number, number][] = [
  [1, 16, 9, 8, 4],
  [37, 60, 107, 8, 4],
  [37, 61, 5, 8, 4],
  [3, 20, 4, 4, 4],
  [2, 23, 3, 3, 5],
  [1, 8, 1, 8, 8],
];

/** The check "patching": Patching with the flag on against off, its output and dx. */
export async function parity(): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  const counter = countDispatches(tf.backend());
  try {
    for (const [b, L, F, patchLen, stride] of CASES) {
      const layer = new Patching({ patchLen, stride });
      const x = tf.randomNormal([b, L, F], 0, 1, "float32", 1);
      const k = tf.randomNormal(layer.computeOutputShape([b, L, F]) as number[], 0, 1, "float32", 2);
      const run = (on: boolean) => {
        setFusedKernels(on);
        const out = layer.apply(x) as tf.Tensor;
        counter.reset();
        const { value, grads } = tf.engine().gradients(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, k)), [x]);
        const dispatches = counter.counts().dispatches;
        value.dispose();
        return { out, dx: grads[0], dispatches, kernels: layer.kernels };
      };
      const fused = run(true), plain = run(false);
      setFusedKernels(true);
      if (fused.kernels !== "fused") throw new Error(`patching parity: the layer said "${fused.kernels}" with the flag on`);
      cases.push({
        name: `patching ${b}x${L}x${F} patch ${patchLen} stride ${stride}`,
        errors: { output: await relError(fused.out, plain.out), dx: await relError(fused.dx, plain.dx) },
        dispatches: fused.dispatches,
        unfusedDispatches: plain.dispatches,
      });
      tf.dispose([x, k, fused.out, fused.dx, plain.out, plain.dx]);
    }
  } finally {
    counter.stop();
    setFusedKernels(true);
  }
  return cases;
}
