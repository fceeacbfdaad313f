// TCN's fused causal convolution (models/tfjs/webgpu/causal_conv_fused.ts) against the CausalConv1D layer's tfjs pad,
// slices and concat with the flag off, and a whole TCN's training steps on and off; run by fused_parity_check.ts ("causal_conv").
import * as tf from "@tensorflow/tfjs";
import { CausalConv1D } from "../../../../models/tcn/causal_conv.ts";
import { tcn } from "../../../../models/tcn/tcn.ts";
import { countDispatches, type DispatchCounter } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import type { ParityCase } from "./fused_parity.ts";
import { failOnGpuErrors, layerOnOff, modelStepParity, relError } from "./parity_helpers.ts";

/** [batch, window, channels, filters, kernel, dilation]: every batch (1, 37), channel count (7, 32), kernel (1, 2, 3), dilation (1, 4, 16) and window (1, 12, 60). */
export const CONV_CASES: [number, number, number, number, number, number][] = [
  [37, 60, 32, 32, 3, 4],
  [1, 1, 7, 5, 3, 16],
  [37, 12, 7, 32, 2, 16],
  [1, 60, 32, 7, 2, 1],
  [37, 60, 7, 32, 1, 1],
  [1, 12, 32, 32, 3, 1],
  [37, 1, 32, 7, 2, 4],
  [1, 60, 7, 5, 3, 16],
  [37, 12, 32, 32, 3, 4],
];

/** The name of a layer case. */
export const convName = (c: readonly number[]): string => `causal conv ${c[0]}x${c[1]}x${c[2]} -> ${c[3]} kernel ${c[4]} dilation ${c[5]}`;

type DeviceWithLimits = { device: { limits: GPUSupportedLimitsLike } };
type GPUSupportedLimitsLike = { maxStorageBufferBindingSize: number };

/**
 * A CausalConv1D with random kernel and bias on x (b, L, C), flag on and off: the output and the gradients of a fixed
 * random weighting of it with respect to x, the kernel and the bias, and the dispatches of a training call either way.
 */
async function layerCase(c: readonly number[], counter: DispatchCounter, fusedPath = "fused"): Promise<ParityCase> {
  const [b, L, C, filters, kernelSize, dilation] = c;
  const layer = new CausalConv1D({ filters, kernelSize, dilation, seed: 3 });
  layer.build([b, L, C]);
  layer.setWeights([tf.randomNormal([kernelSize * C, filters], 0, 0.3, "float32", 2), tf.randomNormal([filters], 0, 0.3, "float32", 3)]);
  const x = tf.randomNormal([b, L, C], 0, 1, "float32", 1);
  const k = tf.randomNormal([b, L, filters], 0, 1, "float32", 4);
  const vars = layer.trainableWeights.map((w) => w.read());
  const { fused, plain, dispatches, paths } = layerOnOff(layer, x, k, vars, counter);
  if (paths[0] !== fusedPath || paths[1] !== "unfused (fused kernels off)") {
    throw new Error(`causal_conv parity: ${convName(c)} said "${paths[0]}" on, "${paths[1]}" off`);
  }
  const errors: Record<string, number> = {};
  for (const [i, name] of ["output", "dx", "dkernel", "dbias"].entries()) errors[name] = await relError(fused[i], plain[i]);
  tf.dispose([x, k, ...fused, ...plain]);
  for (const w of layer.weights) w.dispose();
  return { name: convName(c), errors, dispatches: dispatches[0], unfusedDispatches: dispatches[1] };
}

/** A layer case with the device's storage binding shadowed by `limit` bytes: the layer must fall back and say why. */
async function fallbackCase(c: readonly number[], limit: number, counter: DispatchCounter): Promise<ParityCase> {
  const device = (tf.backend() as unknown as DeviceWithLimits).device;
  const real = device.limits;
  Object.defineProperty(device, "limits", { value: { ...limitsOf(real), maxStorageBufferBindingSize: limit }, configurable: true });
  try {
    const bytes = c[0] * c[1] * c[4] * c[2] * 4;
    const fell = await layerCase(c, counter, `unfused (${bytes} bytes of taps exceed the ${limit}-byte storage binding)`);
    return { ...fell, name: `${fell.name} past a ${limit}-byte binding` };
  } finally {
    delete (device as { limits?: unknown }).limits;
  }
}

// GPUSupportedLimits' fields are getters on its prototype: a spread copies none of them
function limitsOf(limits: GPUSupportedLimitsLike): GPUSupportedLimitsLike {
  const copy: Record<string, number> = {};
  for (const key in limits) copy[key] = (limits as unknown as Record<string, number>)[key];
  return copy as unknown as GPUSupportedLimitsLike;
}

/** The check "causal_conv": the layer cases, one past a shrunken storage binding, and a TCN's training steps at windows 16 and 60. */
export function parity(steps = true): Promise<ParityCase[]> {
  return failOnGpuErrors(async () => {
    const cases: ParityCase[] = [];
    const counter = countDispatches(tf.backend());
    try {
      for (const c of CONV_CASES) cases.push(await layerCase(c, counter));
      cases.push(await fallbackCase([4, 12, 7, 5, 3, 4], 1000, counter));
      // the networks' steps: minutes on SwiftShader, so the browser test asks for the layer cases only
      if (steps) {
        const params = { filters: 16, kernel_size: 3, dilations: [1, 4], learning_rate: 0.01 };
        const short = await modelStepParity("tcn", tcn, params, { counter });
        const long = await modelStepParity("tcn", tcn, { ...params, dilations: [1, 4, 16] }, { counter, seqLen: 60 });
        for (const step of [short, long]) {
          if (!/causal_conv/.test(step.kernels) || step.kernels.includes("unfused")) {
            throw new Error(`causal_conv parity: the TCN's layers said "${step.kernels}"`);
          }
        }
        cases.push(short, { ...long, name: "tcn window 60 steps, flag on vs off" });
      }
    } finally {
      counter.stop();
      setFusedKernels(true);
    }
    return cases;
  });
}
