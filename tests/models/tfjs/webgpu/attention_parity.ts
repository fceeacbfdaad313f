// Parity of the fused attention (models/tfjs/webgpu/attention_fused.ts) against the unfused tfjs computation on the
// same adapter, loaded by fused_parity_check.ts as the check "attention": the op on its own (output and d qkv, with and
// without the causal mask), the MultiHeadAttention layer with the flag on and off (output, dx and its four weights'
// gradients), and whole transformer and PatchTST training steps with the flag on and off.
import * as tf from "@tensorflow/tfjs";
import { MultiHeadAttention } from "../../../../models/tfjs/layers/attention.ts";
import { attentionFused, MAX_HEAD_WIDTH, planAttention } from "../../../../models/tfjs/webgpu/attention_fused.ts";
import { countDispatches } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import type { ParityCase, Sweep } from "./fused_parity.ts";
import { modelStepParity, relError } from "./parity_helpers.ts";
import { transformer } from "../../../../models/transformer/transformer.ts";
import { patchtst } from "../../../../models/patchtst/patchtst.ts";

/** The unfused computation MultiHeadAttention runs on cpu and wasm, from the projected rows, with an optional causal mask. */
function plainAttention(qkv: tf.Tensor2D, n: number, T: number, heads: number, causal: boolean): tf.Tensor {
  const d = qkv.shape[1] / 3, dh = d / heads;
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [n, T, heads, dh]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(qkv, 3, 1).map(split);
  let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
  if (causal) scores = tf.add(scores, tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));
  return tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [n * T, d]);
}

// [sequences, d_model, heads, T, causal]: batch 1 and 37, d 16/64/128, heads 1/2/4, T 1/14/60/200, and head widths
// not a multiple of the kernels' unrolling
const OP_CASES: [number, number, number, number, boolean][] = [
  [1, 16, 1, 1, false],
  [37, 16, 2, 14, false],
  [37, 16, 4, 60, false],
  [1, 64, 4, 60, false],
  [37, 64, 2, 14, false],
  [37, 64, 1, 1, false],
  [1, 128, 1, 200, false],
  [37, 128, 4, 60, false],
  [37, 32, 4, 200, false],
  // a head width of 96 at T = 200 stopped short on lavapipe before the width loops were unrolled; 20 = one unrolled
  // loop of 16 and 4 written out
  [1, 96, 1, 200, false],
  [37, 40, 2, 14, false],
  [1, 16, 2, 14, true],
  [37, 64, 4, 60, true],
  [1, 128, 2, 200, true],
];

/**
 * The op: output and d qkv of a random weighting of it, fused against plainAttention; `sweep` "short" (SwiftShader,
 * where the unfused reference is slow) leaves out the two cases of 37 sequences with the most scores (T 200, and width
 * 128 at T 60), whose plans the other cases share.
 */
export async function opParity(sweep: Sweep = "default"): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  const counter = countDispatches(tf.backend());
  const heavy = ([n, d, , T]: (typeof OP_CASES)[number]) => n === 37 && (T === 200 || (d === 128 && T === 60));
  try {
    for (const [n, d, heads, T, causal] of OP_CASES.filter((c) => sweep !== "short" || !heavy(c))) {
      const qkv = tf.randomNormal([n * T, 3 * d], 0, 1, "float32", 3) as tf.Tensor2D;
      const k = tf.randomNormal([n * T, d], 0, 1, "float32", 4);
      const plan = planAttention({ sequences: n, steps: T, width: d, heads }, causal);
      if (!plan) throw new Error(`attention parity: no fused plan for n=${n} d=${d} heads=${heads} T=${T}`);
      const run = (f: (x: tf.Tensor2D) => tf.Tensor) => {
        counter.reset();
        const { value, grads } = tf.engine().gradients(() => tf.sum(tf.mul(f(qkv), k)), [qkv]);
        const dispatches = counter.counts().dispatches;
        value.dispose();
        return { out: f(qkv), dqkv: grads[0], dispatches };
      };
      const fused = run((x) => attentionFused(x, plan));
      const plain = run((x) => plainAttention(x, n, T, heads, causal));
      cases.push({
        name: `op n=${n} d=${d} heads=${heads} T=${T}${causal ? " causal" : ""}`,
        errors: { output: await relError(fused.out, plain.out), dqkv: await relError(fused.dqkv, plain.dqkv) },
        dispatches: fused.dispatches,
        unfusedDispatches: plain.dispatches,
      });
      tf.dispose([qkv, k, fused.out, fused.dqkv, plain.out, plain.dqkv]);
    }
  } finally {
    counter.stop();
  }
  return cases;
}

/** The layer with the flag on and off: output, dx and the gradients of qkv_kernel, qkv_bias, out_kernel, out_bias. */
export async function layerParity(): Promise<ParityCase[]> {
  const cases: ParityCase[] = [];
  // [input shape, heads, the path the layer says it took with the flag on]: a head width past MAX_HEAD_WIDTH falls back
  const layers: [number[], number, string][] = [
    [[1, 14, 16], 2, "fused"],
    [[37, 60, 32], 4, "fused"],
    [[3, 5, 14, 16], 2, "fused"],
    [[2, 3, 2 * (MAX_HEAD_WIDTH + 2)], 2, `unfused (head width ${MAX_HEAD_WIDTH + 2} exceeds ${MAX_HEAD_WIDTH})`],
  ];
  for (const [shape, heads, path] of layers) {
    const layer = new MultiHeadAttention({ heads, seed: 7 });
    const x = tf.randomNormal(shape, 0, 1, "float32", 5);
    const k = tf.randomNormal(shape, 0, 1, "float32", 6);
    layer.apply(x);
    // non-zero biases, so that a bias dropped from the fused products would show
    for (const w of layer.trainableWeights.filter((w) => w.shape.length === 1)) w.write(tf.randomNormal(w.shape as number[], 0, 0.5, "float32", 8));
    const vars = layer.trainableWeights.map((w) => w.read());
    const run = (on: boolean) => {
      setFusedKernels(on);
      const out = layer.apply(x) as tf.Tensor;
      const { value, grads } = tf.engine().gradients(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, k)), [x, ...vars]);
      value.dispose();
      return { out, grads, kernels: layer.kernels };
    };
    const fused = run(true), plain = run(false);
    setFusedKernels(true);
    if (fused.kernels !== path || plain.kernels !== "unfused (fused kernels off)") {
      throw new Error(`attention parity: the layer said "${fused.kernels}" on (expected "${path}") and "${plain.kernels}" off`);
    }
    const errors: Record<string, number> = { output: await relError(fused.out, plain.out) };
    const names = ["dx", ...layer.trainableWeights.map((w) => `d${w.originalName.split("/").at(-1)}`)];
    for (let i = 0; i < names.length; i++) errors[names[i]] = await relError(fused.grads[i], plain.grads[i]);
    cases.push({ name: `layer ${shape.join("x")} heads=${heads}: ${fused.kernels}`, errors });
    tf.dispose([x, k, fused.out, plain.out, ...fused.grads, ...plain.grads]);
    layer.dispose();
  }
  return cases;
}

/** The check "attention": the op, the layer, and transformer and PatchTST training steps with the flag on and off. */
export async function parity(): Promise<ParityCase[]> {
  return [
    ...await opParity(),
    ...await layerParity(),
    await modelStepParity("transformer", transformer, { d_model: 16, heads: 2, layers: 2, ff: 32, learning_rate: 0.01 }),
    await modelStepParity("patchtst", patchtst, { d_model: 16, heads: 2, ff: 32, patch_len: 8, stride: 4, learning_rate: 0.01 }),
  ];
}
