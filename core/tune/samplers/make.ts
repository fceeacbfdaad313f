import { ConfigError } from "../../errors.ts";
import type { Sampler } from "../sampler.ts";
import { gridSampler } from "./grid.ts";
import { randomSampler } from "./random.ts";
import { tpeSampler } from "./tpe.ts";

/** The samplers a study may name (its create_study line's `sampler`). */
export const SAMPLER_CHOICES = ["tpe", "random", "grid"] as const;

/** The sampler a study names, with its defaults; another name is a ConfigError listing the choices. */
export function makeSampler(name: string): Sampler {
  if (name === "tpe") return tpeSampler();
  if (name === "random") return randomSampler();
  if (name === "grid") return gridSampler();
  throw new ConfigError(`The sampler must be ${SAMPLER_CHOICES.join(", ")}, got "${name}"`, { key: "sampler", value: name });
}
