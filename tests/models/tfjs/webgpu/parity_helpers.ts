// What the attention and patching parity checks share: the relative error of two tensors, and a whole model's
// training step with the fused kernels on and off.
import * as tf from "@tensorflow/tfjs";
import type { ModelPlugin } from "../../../../core/model.ts";
import type { NetworkModel } from "../../../../models/tfjs/network_model.ts";
import { countDispatches, type DispatchCounter } from "../../../../models/tfjs/webgpu/dispatch_counter.ts";
import { setFusedKernels } from "../../../../models/tfjs/webgpu/fused_flag.ts";
import { syntheticWindows } from "../../../../bench/training_inputs.ts";
import type { ParityCase } from "./fused_parity.ts";

/** max |a - b| / max |b| (max |a - b| where b is all zeros); tensors of different shapes are an error, not a broadcast. */
export async function relError(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  if (a.shape.join() !== b.shape.join()) throw new Error(`parity: comparing shape [${a.shape}] with [${b.shape}]`);
  const [d, m] = await Promise.all([tf.max(tf.abs(tf.sub(a, b))).data(), tf.max(tf.abs(b)).data()]);
  return m[0] === 0 ? d[0] : d[0] / m[0];
}

/** |a - b| / |b| of two numbers (|b| at least 1e-12). */
export const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

/**
 * One epoch of four steps (NetworkModel.fit: Adam, batch 37, window `seqLen` (16), 9 features) of `plugin` with `params`, with the
 * fused kernels on and off from the same seed: the epoch's train loss, the validation loss after it, the dispatches
 * either way and, with the flag on, which kernels the layers say they ran.
 */
export async function modelStepParity(
  name: string,
  plugin: ModelPlugin,
  params: object,
  options: { seqLen?: number; counter?: DispatchCounter } = {},
): Promise<ParityCase & { kernels: string }> {
  const seqLen = options.seqLen ?? 16;
  const train = syntheticWindows(37 * 4, 3, { seqLen, features: 9 });
  const val = syntheticWindows(50, 4, { seqLen, features: 9 });
  const backend = { name: "webgpu" as const, requested: "webgpu" as const, reason: "parity check" };
  const losses: { train: number; val: number }[] = [];
  const dispatches: number[] = [];
  let kernels = "";
  // a counter cannot nest: the caller's, where it has one running
  const counter = options.counter ?? countDispatches(tf.backend());
  try {
    for (const on of [true, false]) {
      setFusedKernels(on);
      counter.reset();
      const model = plugin.create(plugin.configSchema.parse(params), { seqLen, nFeatures: 9, nClasses: 3 }, { seed: 2, backend }) as NetworkModel;
      await model.fit(train, val, {
        epochs: 1,
        batchSize: 37,
        seed: 1,
        restoreBest: false,
        onEpoch: (e) => {
          losses.push({ train: e.train_loss, val: e.val_loss });
          return Promise.resolve({ stop: false, best: false });
        },
      });
      dispatches.push(counter.counts().dispatches);
      if (on) kernels = model.kernels;
      model.dispose();
    }
  } finally {
    if (!options.counter) counter.stop();
    setFusedKernels(true);
  }
  return {
    name: `${name} steps, flag on vs off`,
    errors: { train_loss: rel(losses[0].train, losses[1].train), val_loss: rel(losses[0].val, losses[1].val) },
    dispatches: dispatches[0],
    unfusedDispatches: dispatches[1],
    kernels,
  };
}

/**
 * Runs `check` and throws if the device reported any WebGPU error meanwhile: a kernel the device rejects runs nothing
 * and throws nothing where it is recorded (raw_dispatch.ts throws only at its next call), so a check could pass on stale data.
 */
export async function failOnGpuErrors<T>(check: () => Promise<T>): Promise<T> {
  const device = (tf.backend() as unknown as { device: EventTarget }).device;
  const gpuErrors: string[] = [];
  const onError = (e: Event) => void gpuErrors.push((e as Event & { error: { message: string } }).error.message);
  device.addEventListener("uncapturederror", onError);
  try {
    const result = await check();
    if (gpuErrors.length) throw new Error(`WebGPU errors during the parity check:\n${gpuErrors.join("\n")}`);
    return result;
  } finally {
    device.removeEventListener("uncapturederror", onError);
  }
}

/** One layer's outputs and gradients with the fused kernels on and off. */
export interface LayerOnOff {
  /** [output, d input, d each of `vars`] with the flag on. */
  fused: tf.Tensor[];
  /** The same with the flag off. */
  plain: tf.Tensor[];
  /** The gradient call's dispatches, on then off (the layer's own: the forward before it is not counted). */
  dispatches: [number, number];
  /** The path the layer said it took (its `kernels`), on then off. */
  paths: [string, string];
}

/**
 * Applies `layer` to x with the flag on, then off: its output and the gradients of sum(y k) with respect to x and
 * `vars`. The flag is left on.
 */
export function layerOnOff(layer: tf.layers.Layer & { kernels: string }, x: tf.Tensor, k: tf.Tensor, vars: tf.Tensor[], counter: DispatchCounter): LayerOnOff {
  const run = (on: boolean) => {
    setFusedKernels(on);
    const out = layer.apply(x) as tf.Tensor;
    counter.reset();
    // k as the output's gradient: the gradients of sum(y k)
    const { value, grads } = tf.engine().gradients(() => layer.apply(x) as tf.Tensor, [x, ...vars], k);
    const dispatches = counter.counts().dispatches;
    value.dispose();
    return { tensors: [out, ...grads], dispatches, path: layer.kernels };
  };
  const on = run(true), off = run(false);
  setFusedKernels(true);
  return { fused: on.tensors, plain: off.tensors, dispatches: [on.dispatches, off.dispatches], paths: [on.path, off.path] };
}
