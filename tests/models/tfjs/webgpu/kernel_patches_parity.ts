// tfjs's webgpu Sum, Mean and Transpose as replaced by models/tfjs/webgpu/kernel_patches.ts, against tfjs's own kernels
// (MF_WEBGPU_FUSED off) on the same adapter; run by fused_parity_check.ts ("kernel_patches").
import * as tf from "@tensorflow/tfjs";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { useWebGpuKernels } from "../../../../models/tfjs/webgpu/kernel_patches.ts";
import type { ParityCase } from "./fused_parity.ts";

/** max |a - b| / max |b| (max |a - b| where b is all zeros). */
async function relError(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  if (a.shape.join() !== b.shape.join()) throw new Error(`kernel_patches parity: shape ${a.shape} against ${b.shape}`);
  const [d, m] = await Promise.all([tf.max(tf.abs(tf.sub(a, b))).data(), tf.max(tf.abs(b)).data()]);
  return m[0] === 0 ? d[0] : d[0] / m[0];
}

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

/** Each case's result with the replaced kernels and with tfjs's, and the dispatches either way. */
export async function parity(): Promise<ParityCase[]> {
  useWebGpuKernels();
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
  } finally {
    counter.stop();
    setFusedKernels(true);
  }
  return cases;
}
