import * as tf from "@tensorflow/tfjs";
import { LastStep } from "./layers/last_step.ts";
import { SeededDropout } from "./layers/seeded_dropout.ts";
import { tfjsSeed } from "./seed.ts";

/** (b, L, C) -> (b, C): the newest step, or the mean over steps. */
export function poolSteps(x: tf.SymbolicTensor, head: "last" | "mean"): tf.SymbolicTensor {
  return (head === "last" ? new LastStep() : tf.layers.globalAveragePooling1d()).apply(x) as tf.SymbolicTensor;
}

/** Dropout, then the three class logits (short, neutral, long); no softmax, NetworkModel's loss applies it. */
export function classLogits(x: tf.SymbolicTensor, dropout: number, seed: number): tf.SymbolicTensor {
  const dropped = dropout > 0 ? new SeededDropout({ rate: dropout, seed: seed + 1 }).apply(x) as tf.SymbolicTensor : x;
  return tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) }).apply(dropped) as tf.SymbolicTensor;
}
