import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InputShape } from "../../core/model.ts";
import { dropoutField, headField, networkFields } from "./config.ts";
import { classLogits, poolSteps } from "./heads.ts";
import type { FusedRecurrent, FusedRecurrentArgs } from "./layers/fused_recurrent.ts";
import { SeededDropout } from "./layers/seeded_dropout.ts";

/** Settings of a stacked recurrent classifier (LSTM or GRU). */
export const RecurrentConfig = z.strictObject({
  /** Hidden units of every layer. */
  units: z.number().int().min(1).max(1024).default(32),
  /** Stacked recurrent layers; each after the first reads the previous one's outputs at every step. */
  layers: z.number().int().min(1).max(8).default(1),
  /** Dropout between layers and before the classifier. */
  dropout: dropoutField(0.2),
  /** Classify from the last step's state or from the mean over steps. */
  head: headField,
  ...networkFields(),
});
/** Recurrent settings after defaults. */
export type RecurrentConfig = z.output<typeof RecurrentConfig>;

/** Input (L, F) -> `layers` recurrent layers with dropout between -> last or mean state -> logits. */
export function recurrentNetwork(
  Cell: new (args: FusedRecurrentArgs) => FusedRecurrent,
  config: RecurrentConfig,
  shape: InputShape,
  seed: number,
): tf.LayersModel {
  const input = tf.input({ shape: [shape.seqLen, shape.nFeatures] });
  let x = input;
  for (let i = 0; i < config.layers; i++) {
    const last = i === config.layers - 1;
    if (i > 0 && config.dropout > 0) x = new SeededDropout({ rate: config.dropout, seed: seed + 100 + i }).apply(x) as tf.SymbolicTensor;
    x = new Cell({ units: config.units, returnSequences: !last || config.head === "mean", seed: seed + 10 * i }).apply(x) as tf.SymbolicTensor;
  }
  if (config.head === "mean") x = poolSteps(x, "mean");
  return tf.model({ inputs: input, outputs: classLogits(x, config.dropout, seed + 999) });
}
