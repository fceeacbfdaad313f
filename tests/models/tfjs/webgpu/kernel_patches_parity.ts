// tfjs's webgpu Sum, Mean and Transpose as replaced by models/tfjs/webgpu/kernel_patches.ts, against tfjs's own kernels
// (MF_WEBGPU_FUSED off) on the same adapter; run by fused_parity_check.ts ("kernel_patches").
import * as tf from "@tensorflow/tfjs";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { useWebGpuKernels } from "../../../../models/tfjs/webgpu/kernel_patches.ts";
import type { ParityCase } from "./fused_parity.ts";
import { failOnGpuErrors, modelStepParity, relError } from "./parity_helpers.ts";
import { registry } from "../../../../models/index.ts";
import { TINY_NETWORKS } from "../../tiny_networks.ts";

type Op = "sum" | "mean" | "transpose";
/** [op, shape, axes (perm for a transpose), keepDims]: leading, middle and innermost blocks, tiny and long reductions. */
const CASES: [Op, number[], number[], boolean][] = [
  ["sum", [1, 17], [0], false],
  ["sum", [37, 64], [0], false],
  ["sum", [1, 37, 3], [0, 1], false],
  ["sum", [37, 60, 17], [0, 1], false],
  ["sum", [37, 200, 128], [0, 1], false],
  ["sum", [37, 60, 17], [1], true],
  ["sum", [2, 3, 5, 7], [1, 2], false],
  ["sum", [4001, 3], [0], true],
  ["sum", [37, 17], [1], false],
  ["mean", [37, 60, 17], [1], false],
  ["mean", [16, 60, 32], [1], false],
  ["mean", [1, 1, 64], [0, 1], true],
  ["transpose", [107, 32], [0, 1], false],
  ["transpose", [37, 5, 3], [0, 2, 1], false],
  ["transpose", [37, 60, 17], [1, 0, 2], false],
];

const run = (op: Op, x: tf.Tensor, axes: number[], keepDims: boolean) =>
  op === "transpose" ? tf.transpose(x, axes) : op === "sum" ? tf.sum(x, axes, keepDims) : tf.mean(x, axes, keepDims);

/** Gradients replaced (grad_patches.ts): [op, shape, axes of a mean, keepDims]. */
const GRAD_CASES: ["relu" | "mean", number[], number[], boolean][] = [
  ["relu", [37, 60, 17], [], false],
  ["relu", [1, 5], [], false],
  ["mean", [16, 60, 32], [1], false],
  ["mean", [37, 17], [1], true],
  ["mean", [37, 5, 3], [0, 1], false],
];

/** d/dx of sum(op(x) k) with the patched gradients and with tfjs's, and the dispatches of forward and backward either way. */
async function gradCases(counter: ReturnType<typeof countDispatches>): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  for (const [op, shape, axes, keepDims] of GRAD_CASES) {
    // a third of x exactly zero: relu's gradient there is 0, as tfjs's step gives
    const x = tf.mul(tf.randomNormal(shape, 0, 1, "float32", 6), tf.cast(tf.greater(tf.randomUniform(shape, 0, 3, "float32", 7), 1), "float32"));
    const f = (t: tf.Tensor) => (op === "relu" ? tf.relu(t) : tf.mean(t, axes, keepDims));
    const k = tf.randomNormal(f(x).shape, 0, 1, "float32", 8);
    const grads: tf.Tensor[] = [];
    const dispatches: number[] = [];
    for (const on of [true, false]) {
      setFusedKernels(on);
      counter.reset();
      const { value, grads: [g] } = tf.engine().gradients(() => f(x), [x], k);
      dispatches.push(counter.counts().dispatches);
      value.dispose();
      grads.push(g);
    }
    cases.push({
      name: `${op} gradient ${shape.join("x")}${op === "mean" ? ` over ${axes.join(",")}${keepDims ? " keepDims" : ""}` : ""}`,
      errors: { dx: await relError(grads[0], grads[1]) },
      dispatches: dispatches[0],
      unfusedDispatches: dispatches[1],
    });
    tf.dispose([x, k, ...grads]);
  }
  return cases;
}

/**
 * Every tfjs network (tests/models/tiny_networks.ts' settings) trained four steps (batch 37, 9 features) with the fused
 * kernels on and off from the same seed: NetworkModel.fit registers the patches, so every model's sums, means and
 * transposes go through them with the flag on. The epoch's train loss and the validation loss after it.
 */
async function modelSteps(counter: ReturnType<typeof countDispatches>): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  for (const [name, { seqLen, params }] of Object.entries(TINY_NETWORKS)) {
    cases.push(await modelStepParity(name, registry.get(name), params, { seqLen, counter }));
  }
  return cases;
}

/** Each case's result with the replaced kernels and with tfjs's, and the dispatches either way; the gradients; every network's steps. */
export function parity(): Promise<ParityCase[]> {
  return patchParity(true);
}

/** parity() without the networks' steps (the op and gradient cases only): the quick form the browser test runs. */
export function opsParity(): Promise<ParityCase[]> {
  return patchParity(false);
}

function patchParity(networks: boolean): Promise<ParityCase[]> {
  useWebGpuKernels();
  return failOnGpuErrors(() => patchCases(networks));
}

async function patchCases(networks: boolean): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  const counter = countDispatches(tf.backend());
  try {
    for (const [op, shape, axes, keepDims] of CASES) {
      const x = tf.add(tf.randomNormal(shape, 0, 1, "float32", 5), 0.5);
      // x is made on the device and never read back: tfjs runs a small op on the CPU where its input's values are there
      const out: tf.Tensor[] = [];
      const dispatches: number[] = [];
      for (const on of [true, false]) {
        setFusedKernels(on);
        counter.reset();
        out.push(run(op, x, axes, keepDims));
        dispatches.push(counter.counts().dispatches);
      }
      cases.push({
        name: `${op} ${shape.join("x")} over ${axes.join(",")}${keepDims ? " keepDims" : ""}`,
        errors: { output: await relError(out[0], out[1]) },
        dispatches: dispatches[0],
        unfusedDispatches: dispatches[1],
      });
      tf.dispose([x, ...out]);
    }
    cases.push(...await gradCases(counter));
    if (networks) cases.push(...await modelSteps(counter));
  } finally {
    counter.stop();
    setFusedKernels(true);
  }
  return cases;
}
