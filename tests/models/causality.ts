import * as tf from "@tensorflow/tfjs";

/** What bumping one input step did to a sequence network's per-step outputs. */
export interface CausalityProbe {
  /** Pairs (input step t, output step s) where s is earlier than t and still moved: each one is a look-ahead. */
  leaks: { t: number; s: number }[];
  /** Input steps whose bump moved the output at their own time: the probe can see a change at all. */
  reached: number[];
}

/**
 * Bumps every feature at each input step t in turn (by +10) and compares a network's per-step
 * outputs (b, S, C) bit for bit. `timeOf(s)` is the newest input step output s may see (identity
 * unless the network shortens time, as a distilling encoder does). A causal network has no leaks.
 */
export function probeCausality(body: tf.LayersModel, options: { seqLen: number; nFeatures: number; timeOf?: (s: number) => number }): CausalityProbe {
  const { seqLen: L, nFeatures: F, timeOf = (s: number) => s } = options;
  const x = tf.randomNormal([2, L, F], 0, 1, "float32", 2);
  const base = (body.predict(x) as tf.Tensor).arraySync() as number[][][];
  const leaks: CausalityProbe["leaks"] = [], reached: number[] = [];
  for (let t = 0; t < L; t++) {
    const bumped = x.arraySync() as number[][][];
    bumped.forEach((sample) => sample[t].forEach((_, f) => (sample[t][f] += 10)));
    const out = tf.tidy(() => (body.predict(tf.tensor3d(bumped)) as tf.Tensor).arraySync() as number[][][]);
    const moved = (s: number) => out.some((sample, i) => sample[s].some((v, c) => v !== base[i][s][c]));
    for (let s = 0; s < base[0].length; s++) {
      if (timeOf(s) < t && moved(s)) leaks.push({ t, s });
      if (timeOf(s) === t && moved(s)) reached.push(t);
    }
  }
  x.dispose();
  return { leaks, reached };
}

/** The sub-network from a network's input to the output of its layer `name`. */
export function bodyUpTo(net: tf.LayersModel, name: string): tf.LayersModel {
  return tf.model({ inputs: net.inputs, outputs: net.getLayer(name).output as tf.SymbolicTensor });
}
