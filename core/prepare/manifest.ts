import { z } from "zod";
import { PrepareConfig } from "./config.ts";

/** prepare.json: everything needed to redo the transformation on new bars, and what it produced. */
export const PrepareManifest = z.looseObject({
  version: z.literal(1),
  source: z.looseObject({ file: z.string(), rows: z.number(), symbols: z.array(z.string()), bar_ms: z.number() }),
  config: PrepareConfig,
  features: z.array(z.string()).min(1),
  scaler: z.object({ kind: z.enum(["standard", "robust", "none"]), center: z.array(z.number()), scale: z.array(z.number()) }),
  split: z.looseObject({ val_start: z.string(), test_start: z.string(), purge: z.number(), embargo: z.number() }),
  gaps: z.looseObject({ count: z.number() }),
  warmup_rows_dropped: z.number(),
  splits: z.record(z.string(), z.looseObject({ rows: z.number() })),
});
/** A parsed prepare.json. */
export type PrepareManifest = z.output<typeof PrepareManifest>;
