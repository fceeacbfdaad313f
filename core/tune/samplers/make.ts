import { ConfigError } from "../../errors.ts";
import type { Sampler } from "../sampler.ts";
import { gridSampler } from "./grid.ts";
import { randomSampler } from "./random.ts";
import { tpeSampler } from "./tpe.ts";

/**
 * The samplers a study may name (its create_study line's `sampler`). `tpe:numpy` is TPE drawing from Optuna's numpy
 * streams: one worker then repeats Optuna's `TPESampler(seed)` study trial for trial (docs/architecture.md).
 */
export const SAMPLER_CHOICES = ["tpe", "random", "grid", "tpe:numpy"] as const;

/** The sampler a study names, with its defaults; another name is a ConfigError listing the choices. */
export function makeSampler(name: string): Sampler {
  if (name === "tpe") return tpeSampler();
  if (name === "tpe:numpy") return tpeSampler({ stream: "numpy" });
  if (name === "random") return randomSampler();
  if (name === "grid") return gridSampler();
  throw new ConfigError(`The sampler must be ${SAMPLER_CHOICES.join(", ")}, got "${name}"`, { key: "sampler", value: name });
}
