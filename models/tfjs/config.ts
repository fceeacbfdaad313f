import { z } from "zod";

/** Config fields every tfjs network shares; spread them into a plugin's strict schema. */
export const networkFields = {
  learning_rate: z.number().positive().max(10).default(1e-3),
  /** "balanced" weights each class's training loss by n / (3 x its count in the training split). */
  class_weight: z.enum(["none", "balanced"]).default("none"),
};

/** Dropout rate, the same range everywhere. */
export const dropoutField = z.number().min(0).max(0.9).default(0.1);

/** How a sequence network turns its per-step features into one vector: the newest step, or the mean over steps. */
export const headField = z.enum(["last", "mean"]).default("last");
