import { z } from "zod";

/**
 * A run config file (`config/models/*.json`, `mf train --config`): which model, its params, and
 * dataset and trainer settings. Each section is validated by its own schema when the run starts;
 * here only the shape is checked, so errors name the section they are in.
 */
export const RunConfig = z.strictObject({
  $schema: z.string().optional(),
  /** `family:name` or short name. */
  model: z.string().min(1).optional(),
  description: z.string().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  dataset: z.record(z.string(), z.unknown()).default({}),
  trainer: z.record(z.string(), z.unknown()).default({}),
});
/** A parsed experiment config. */
export type RunConfig = z.output<typeof RunConfig>;
