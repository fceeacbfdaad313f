import type { DatasetConfig } from "../config/dataset.ts";
import { DataError } from "../errors.ts";
import type { ByteSource, ProgressSink } from "../platform.ts";
import type { Frame } from "./frame.ts";
import { readFrame } from "./read_frame.ts";
import { applyScaler, fitStandardScaler, type StandardScaler } from "./scaler.ts";
import { Windows } from "./windows.ts";

/** The three split files of a dataset. */
export interface SplitSources {
  train: ByteSource;
  val: ByteSource;
  test: ByteSource;
}

/** The windowed splits, ready for a model. */
export interface Splits {
  train: Windows;
  val: Windows;
  test: Windows;
  featureNames: readonly string[];
  scaler?: StandardScaler;
  labelColumn: string;
  /** What a run records of its data: files, rows, symbols, features. */
  fingerprint: DatasetFingerprint;
}

/** What identifies the data a run was trained on. */
export type DatasetFingerprint = {
  files: Record<"train" | "val" | "test", { name: string; bytes: number; rows: number; samples: number }>;
  symbols: string[];
  features: string[];
  label_column: string;
};

/** Column names of the label and forward return of a horizon. */
export function horizonColumns(horizon: number): { label: string; fwdReturn: string } {
  return { label: `label_h${horizon}`, fwdReturn: `fwd_ret_h${horizon}` };
}

/**
 * Reads train/val/test, checks they share the same feature columns in the same order, fits the
 * scaler on train only, and builds each split's window index. Symbols too short for the window are
 * skipped with a warning; a split left with no sample is an error.
 */
export async function loadSplits(sources: SplitSources, config: DatasetConfig & { seq_len: number }, progress?: ProgressSink): Promise<Splits> {
  const { label, fwdReturn } = horizonColumns(config.horizon);
  const labelColumn = config.label_column ?? label;
  const frames = {} as Record<keyof SplitSources, Frame>;
  for (const split of ["train", "val", "test"] as const) {
    progress?.({ kind: "phase", phase: "read", detail: sources[split].name });
    frames[split] = await readFrame(sources[split], {
      labelColumn,
      fwdReturnColumn: fwdReturn,
      requireLabel: true,
      featureColumns: config.feature_columns,
      includeSymbols: config.include_symbols,
      nanPolicy: config.nan_policy,
    });
  }
  assertSameFeatures(frames);
  const scaler = config.standardize ? fitStandardScaler(frames.train) : undefined;
  if (scaler) for (const frame of Object.values(frames)) applyScaler(scaler, frame);
  const windows = {} as Record<keyof SplitSources, Windows>;
  for (const split of ["train", "val", "test"] as const) {
    const w = new Windows(frames[split], { seqLen: config.seq_len, requireLabel: true, excludeNeutrals: config.exclude_neutrals });
    if (w.skippedSymbols.length) {
      progress?.({ kind: "warning", message: `${sources[split].name}: skipped symbols with fewer than ${config.seq_len} rows: ${w.skippedSymbols.join(", ")}` });
    }
    if (w.size === 0) {
      throw new DataError(`${sources[split].name} has no samples: no symbol has ${config.seq_len} rows ending in a labelled row (${labelColumn})`, { file: sources[split].name, column: labelColumn });
    }
    windows[split] = w;
  }
  const file = (s: keyof SplitSources) => ({ name: sources[s].name, bytes: sources[s].byteLength, rows: frames[s].rows, samples: windows[s].size });
  return {
    ...windows,
    featureNames: frames.train.featureNames,
    scaler,
    labelColumn,
    fingerprint: {
      files: { train: file("train"), val: file("val"), test: file("test") },
      symbols: [...new Set([...frames.train.symbols, ...frames.val.symbols, ...frames.test.symbols])].sort(),
      features: [...frames.train.featureNames],
      label_column: labelColumn,
    },
  };
}

function assertSameFeatures(frames: Record<keyof SplitSources, Frame>): void {
  const train = frames.train.featureNames;
  for (const split of ["val", "test"] as const) {
    const other = frames[split].featureNames;
    const missing = train.filter((c) => !other.includes(c));
    const extra = other.filter((c) => !train.includes(c));
    const moved = !missing.length && !extra.length && other.some((c, j) => c !== train[j]);
    if (missing.length || extra.length || moved) {
      const parts = [missing.length ? `missing from ${split}: ${missing.join(", ")}` : "", extra.length ? `only in ${split}: ${extra.join(", ")}` : "", moved ? "same columns in a different order" : ""];
      throw new DataError(`Feature columns differ between ${frames.train.source} and ${frames[split].source}: ${parts.filter(Boolean).join("; ")}`, { file: frames[split].source });
    }
  }
}
