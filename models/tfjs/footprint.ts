import type { InputShape, ModelFootprint } from "../../core/model.ts";

/**
 * Size estimates of the network pieces the plugins build (core/model.ts ModelFootprint), counted from their settings
 * the way the layers allocate them, so a model is sized without building it.
 */

/** A dense layer from `inputs` to `units`: its weights and bias. */
export function denseParams(inputs: number, units: number): number {
  return inputs * units + units;
}

/** A stack of `layers` pre-norm encoder blocks over `tokens` tokens of width `d` (attention with `heads` heads, a feed-forward of `ff`). */
export function encoderStack(
  tokens: number,
  d: number,
  heads: number,
  ff: number,
  layers: number,
): { parameters: number; largestWeight: number; activations: number } {
  // q, k, v and output projections; two dense feed-forward layers; two layer norms (scale and shift)
  const perBlock = 4 * denseParams(d, d) + denseParams(d, ff) + denseParams(ff, d) + 4 * d;
  // per token: normed input, q, k, v, attention output, projection, residual (x2), feed-forward hidden and output,
  // second norm; and the attention scores and their softmax (heads x tokens each)
  const perToken = 10 * d + ff + 2 * heads * tokens;
  // q, k and v are one fused d x 3d kernel
  return { parameters: layers * perBlock, largestWeight: Math.max(3 * d * d, d * ff), activations: layers * tokens * perToken };
}

/** The class head: dense from `width` to the three logits. */
export function headParams(width: number): number {
  return denseParams(width, 3);
}

/** A stack of recurrent layers of `units` with `gates` gates (LSTM 4, GRU 3) and `biases` bias vectors (GRU keeps a recurrent one too) over the window, and its head. */
export function recurrentFootprint(config: { units: number; layers: number }, shape: InputShape, gates: number, biases = 1): ModelFootprint {
  const { units, layers } = config;
  let parameters = 0, largestWeight = 0;
  for (let i = 0; i < layers; i++) {
    const inputs = i === 0 ? shape.nFeatures : units;
    parameters += gates * (inputs * units + units * units + biases * units);
    largestWeight = Math.max(largestWeight, gates * inputs * units, gates * units * units);
  }
  parameters += headParams(units);
  // the fused op keeps each step's gates and its two states for the backward pass
  const activationsPerSample = shape.seqLen * shape.nFeatures + layers * shape.seqLen * units * (gates + 2) + units + 3;
  return { parameters, largestWeight, activationsPerSample, settings: { "params.units": units, "params.layers": layers } };
}
