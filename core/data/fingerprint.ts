import { z } from "zod";

/** What a run records of a time split, so that it can be made again: the boundaries as ISO times, purge, embargo, rows. */
export const TimeSplitRecord = z.looseObject({
  file: z.string(),
  val_start: z.string(),
  test_start: z.string(),
  purge: z.number().int(),
  embargo: z.number().int(),
  rows: z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int() }),
  dropped: z.number().int(),
});
/** A time split as recorded in run.json. */
export type TimeSplitRecord = z.output<typeof TimeSplitRecord>;

/** One split's file as a run records it; `samples_available` is there when training used a sample of them. */
export const SplitFileRecord = z.looseObject({
  name: z.string(),
  bytes: z.number().int().optional(),
  rows: z.number().int(),
  samples: z.number().int(),
  samples_available: z.number().int().optional(),
});
/** One split's file record. */
export type SplitFileRecord = z.output<typeof SplitFileRecord>;

/** What identifies the data a run was trained on (run.json `dataset`): files, rows, symbols, features, label. */
export const DatasetFingerprint = z.looseObject({
  files: z.record(z.string(), SplitFileRecord),
  symbols: z.array(z.string()),
  features: z.array(z.string()),
  label_column: z.string(),
  /** How one file was cut by time; absent for three split files. */
  split: TimeSplitRecord.optional(),
});
/** A dataset fingerprint. */
export type DatasetFingerprint = z.output<typeof DatasetFingerprint>;
