import { z } from "zod";

/** Config fields every tfjs network shares, with the plugin's default learning rate; spread them into its strict schema. */
export function networkFields(learningRate = 1e-3) {
  return {
    learning_rate: z.number().positive().max(10).default(learningRate),
    /** "balanced" weights each class's training loss by n / (3 x its count in the training split). */
    class_weight: z.enum(["none", "balanced"]).default("none"),
  };
}

/** Dropout rate, the same range everywhere, with the plugin's default. */
export function dropoutField(value: number) {
  return z.number().min(0).max(0.9).default(value);
}

/** How a sequence network turns its per-step features into one vector: the newest step, or the mean over steps. */
export const headField = z.enum(["last", "mean"]).default("last");
