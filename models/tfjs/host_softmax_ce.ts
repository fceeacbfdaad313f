import * as tf from "@tensorflow/tfjs";
import { hostStorage } from "./host_storage.ts";
import { SOFTMAX_CE_GRAD, SOFTMAX_CE_STATS } from "./webgpu/softmax_ce_kernels.ts";

// The two loss kernels of classifier_step.ts (contracts in webgpu/softmax_ce_kernels.ts) for the backends whose tensors
// live in host memory: a loop over the (b, C) logits each, where tfjs's loss, argMax, stack and their gradients are ~30
// kernels a step, each through the engine (on wasm ~0.6 ms of small kernels in an MLP step of ~13 ms, measured).
// Sums in float64; a row's log-sum-exp as tfjs computes it (the max, then log of the sum of exp(x - max), plus the max).

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/**
 * The call's output tensor (`shape`), then its logits, labels and weights as host arrays (views taken after the
 * output's allocation, which on wasm can grow the heap and detach earlier ones), and row i's log-sum-exp.
 */
function host({ inputs, backend }: KernelArgs, backendName: string, shape: (batch: number, classes: number) => number[]) {
  const storage = hostStorage(backendName, backend)!;
  const { logits, labels, weights } = inputs as Record<string, tf.TensorInfo>;
  const [batch, classes] = logits.shape as [number, number];
  const out = storage.make(shape(batch, classes), "float32");
  const x = storage.read(logits) as Float32Array, y = storage.read(labels) as Int32Array, w = storage.read(weights) as Float32Array;
  const lse = (o: number) => {
    let m = x[o];
    for (let c = 1; c < classes; c++) m = Math.max(m, x[o + c]);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(x[o + c] - m);
    return Math.log(s) + m;
  };
  return { out, batch, classes, x, y, w, lse, read: (t: tf.TensorInfo) => storage.read(t) };
}

function stats(args: KernelArgs, backendName: string): tf.TensorInfo {
  const { out, batch, classes, x, y, w, lse } = host(args, backendName, () => [2]);
  let loss = 0, hits = 0;
  for (let i = 0, o = 0; i < batch; i++, o += classes) {
    loss += w[y[i]] * (lse(o) - x[o + y[i]]);
    let best = 0;
    for (let c = 1; c < classes; c++) if (x[o + c] > x[o + best]) best = c;
    if (best === y[i]) hits++;
  }
  out.values.set([loss, hits]);
  return out.info;
}

function grad(args: KernelArgs, backendName: string): tf.TensorInfo {
  const { out, batch, classes, x, y, w, lse, read } = host(args, backendName, (b, c) => [b, c]);
  const dy = read(args.inputs.dy as tf.TensorInfo)[0], d = out.values as Float32Array;
  for (let i = 0, o = 0; i < batch; i++, o += classes) {
    const scale = dy * w[y[i]], m = lse(o);
    for (let c = 0; c < classes; c++) d[o + c] = scale * (Math.exp(x[o + c] - m) - (c === y[i] ? 1 : 0));
  }
  return out.info;
}

/** Registers both kernels for the cpu and wasm backends, once. */
export function registerHostSoftmaxCe(): void {
  for (const backendName of ["cpu", "wasm"]) {
    if (tf.getKernel(SOFTMAX_CE_STATS, backendName)) continue;
    tf.registerKernel({ kernelName: SOFTMAX_CE_STATS, backendName, kernelFunc: ((a: KernelArgs) => stats(a, backendName)) as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: SOFTMAX_CE_GRAD, backendName, kernelFunc: ((a: KernelArgs) => grad(a, backendName)) as unknown as tf.KernelFunc });
  }
}
