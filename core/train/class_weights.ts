/** How a model weights the classes of its training loss: none, "balanced" (n / (3 x count)), or one weight per class (short, neutral, long). */
export type ClassWeightSetting = "none" | "balanced" | readonly [number, number, number] | undefined;

/**
 * Loss weight of each class (short, neutral, long) for a training split's class indices: 1 each for "none",
 * n / (3 x count) for "balanced" (an absent class gets 0), or the weights given. Networks and trees both use
 * this one rule, so "balanced" means the same in every family.
 */
export function classWeights(setting: ClassWeightSetting, classes: Int8Array): Float32Array {
  if (setting === undefined || setting === "none") return Float32Array.of(1, 1, 1);
  if (setting !== "balanced") return Float32Array.from(setting);
  const counts = [0, 0, 0];
  for (const c of classes) counts[c]++;
  return Float32Array.from(counts, (n) => (n ? classes.length / (3 * n) : 0));
}

/** Per-sample weights: each sample gets its class's weight. */
export function sampleWeights(setting: ClassWeightSetting, classes: Int8Array): Float32Array {
  const perClass = classWeights(setting, classes);
  return Float32Array.from(classes, (c) => perClass[c]);
}
