// N-HiTS' Interpolate on webgpu with the flag on (one broadcast batched product, models/nhits/interpolate.ts) against its
// transposes and per-channel product with the flag off, and a whole N-HiTS's training steps on and off; run by
// fused_parity_check.ts ("interpolate").
import * as tf from "@tensorflow/tfjs";
import { Interpolate } from "../../../../models/nhits/interpolate.ts";
import { nhits } from "../../../../models/nhits/nhits.ts";
import { countDispatches, type DispatchCounter } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import type { ParityCase } from "./fused_parity.ts";
import { failOnGpuErrors, layerOnOff, modelStepParity, relError } from "./parity_helpers.ts";

/** [batch, knots, channels, length]: batch 1 and 37, channels 7 and 32, one knot, N-HiTS' pools 4 and 2 at window 16 and 60, and length 1. */
export const INTERPOLATE_CASES: [number, number, number, number][] = [
  [37, 15, 32, 60],
  [1, 4, 7, 16],
  [37, 8, 7, 16],
  [1, 30, 32, 60],
  [37, 1, 7, 12],
  [1, 3, 32, 12],
  [37, 1, 32, 1],
];

/** The name of a layer case. */
export const interpolateName = (c: readonly number[]): string => `interpolate ${c[0]}x${c[1]}x${c[2]} -> ${c[3]} steps`;

/** An Interpolate on x (b, K, F), flag on and off: the output, dx of a fixed random weighting, and a training call's dispatches. */
async function layerCase(c: readonly number[], counter: DispatchCounter): Promise<ParityCase> {
  const [b, K, F, length] = c;
  const layer = new Interpolate({ length });
  const x = tf.randomNormal([b, K, F], 0, 1, "float32", 1);
  const k = tf.randomNormal([b, length, F], 0, 1, "float32", 4);
  const { fused, plain, dispatches, paths } = layerOnOff(layer, x, k, [], counter);
  if (paths[0] !== "fused" || paths[1] !== "unfused (fused kernels off)") {
    throw new Error(`interpolate parity: ${interpolateName(c)} said "${paths[0]}" on, "${paths[1]}" off`);
  }
  const errors = { output: await relError(fused[0], plain[0]), dx: await relError(fused[1], plain[1]) };
  tf.dispose([x, k, ...fused, ...plain]);
  return { name: interpolateName(c), errors, dispatches: dispatches[0], unfusedDispatches: dispatches[1] };
}

/** The check "interpolate": the layer cases and N-HiTS's training steps at windows 16 and 60. */
export function parity(steps = true): Promise<ParityCase[]> {
  return failOnGpuErrors(async () => {
    const cases: ParityCase[] = [];
    const counter = countDispatches(tf.backend());
    try {
      for (const c of INTERPOLATE_CASES) cases.push(await layerCase(c, counter));
      // the networks' steps: minutes on SwiftShader, so the browser test asks for the layer cases only
      if (steps) {
        const params = { pools: [4, 2, 1], hidden: 32, learning_rate: 0.01 };
        const short = await modelStepParity("nhits", nhits, params, { counter });
        const long = await modelStepParity("nhits", nhits, params, { counter, seqLen: 60 });
        for (const step of [short, long]) {
          if (!/interpolate/.test(step.kernels) || step.kernels.includes("unfused")) {
            throw new Error(`interpolate parity: N-HiTS's layers said "${step.kernels}"`);
          }
        }
        cases.push(short, { ...long, name: "nhits window 60 steps, flag on vs off" });
      }
    } finally {
      counter.stop();
      setFusedKernels(true);
    }
    return cases;
  });
}
