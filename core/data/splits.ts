import { type DatasetConfig, TimeSplitConfig } from "../config/dataset.ts";
import { ConfigError, DataError } from "../errors.ts";
import type { ByteSource, ProgressSink } from "../platform.ts";
import type { Frame } from "./frame.ts";
import { readFrame } from "./read_frame.ts";
import { applyScaler, fitStandardScaler, type StandardScaler } from "./scaler.ts";
import { defaultPurge, SPLIT_NAMES, splitFrameByTime, type SplitName, type TimeSplitRecord } from "./time_split.ts";
import { Windows } from "./windows.ts";

/** The three split files of a dataset. */
export interface SplitFileSources {
  train: ByteSource;
  val: ByteSource;
  test: ByteSource;
}

/** One data file, cut into train, val and test by time as `dataset.split` says. */
export interface OneFileSource {
  file: ByteSource;
}

/** Where a dataset comes from: three split files, or one file split by time. */
export type SplitSources = SplitFileSources | OneFileSource;

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
  files: Record<SplitName, { name: string; bytes: number; rows: number; samples: number }>;
  symbols: string[];
  features: string[];
  label_column: string;
  /** How one file was cut by time; absent for three split files. */
  split?: TimeSplitRecord;
};

/** Column names of the label and forward return of a horizon. */
export function horizonColumns(horizon: number): { label: string; fwdReturn: string } {
  return { label: `label_h${horizon}`, fwdReturn: `fwd_ret_h${horizon}` };
}

/**
 * Reads train/val/test (or one file, cut by time with `config.split`), checks they share the same
 * feature columns in the same order, fits the scaler on train only, and builds each split's window
 * index. Symbols too short for the window are skipped with a warning; a split left with no sample is an error.
 */
export async function loadSplits(sources: SplitSources, config: DatasetConfig & { seq_len: number }, progress?: ProgressSink): Promise<Splits> {
  const { label, fwdReturn } = horizonColumns(config.horizon);
  const labelColumn = config.label_column ?? label;
  const read = (source: ByteSource) => {
    progress?.({ kind: "phase", phase: "read", detail: source.name });
    return readFrame(source, {
      labelColumn,
      fwdReturnColumn: fwdReturn,
      requireLabel: true,
      featureColumns: config.feature_columns,
      includeSymbols: config.include_symbols,
      nanPolicy: config.nan_policy,
    });
  };
  let frames: Record<SplitName, Frame>, split: TimeSplitRecord | undefined;
  const files = {} as Record<SplitName, ByteSource>;
  if ("file" in sources) {
    const cut = splitFrameByTime(await read(sources.file), config.split ?? TimeSplitConfig.parse({}), {
      purge: defaultPurge(config.horizon, labelColumn),
      source: sources.file.name,
      key: "dataset.split",
    });
    frames = { train: cut.train, val: cut.val, test: cut.test };
    split = cut.record;
    for (const s of SPLIT_NAMES) files[s] = sources.file;
  } else {
    if (config.split) {
      throw new ConfigError(
        `dataset.split cuts one data file by time, but three split files were given (${
          SPLIT_NAMES.map((s) => sources[s].name).join(", ")
        }); remove dataset.split or give one file`,
        { key: "dataset.split" },
      );
    }
    frames = {} as Record<SplitName, Frame>;
    for (const s of SPLIT_NAMES) frames[s] = await read(files[s] = sources[s]);
    assertSameFeatures(frames);
  }
  const scaler = config.standardize ? fitStandardScaler(frames.train) : undefined;
  if (scaler) { for (const s of SPLIT_NAMES) applyScaler(scaler, frames[s]); }
  const windows = {} as Record<SplitName, Windows>;
  for (const s of SPLIT_NAMES) {
    const w = new Windows(frames[s], { seqLen: config.seq_len, requireLabel: true, excludeNeutrals: config.exclude_neutrals });
    if (w.skippedSymbols.length) {
      progress?.({ kind: "warning", message: `${frames[s].source}: skipped symbols with fewer than ${config.seq_len} rows: ${w.skippedSymbols.join(", ")}` });
    }
    if (w.size === 0) {
      throw new DataError(`${frames[s].source} has no samples: no symbol has ${config.seq_len} rows ending in a labelled row (${labelColumn})`, {
        file: files[s].name,
        column: labelColumn,
      });
    }
    windows[s] = w;
  }
  const file = (s: SplitName) => ({ name: files[s].name, bytes: files[s].byteLength, rows: frames[s].rows, samples: windows[s].size });
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
      ...(split ? { split } : {}),
    },
  };
}

function assertSameFeatures(frames: Record<SplitName, Frame>): void {
  const train = frames.train.featureNames;
  for (const split of ["val", "test"] as const) {
    const other = frames[split].featureNames;
    const missing = train.filter((c) => !other.includes(c));
    const extra = other.filter((c) => !train.includes(c));
    const moved = !missing.length && !extra.length && other.some((c, j) => c !== train[j]);
    if (missing.length || extra.length || moved) {
      const parts = [
        missing.length ? `missing from ${split}: ${missing.join(", ")}` : "",
        extra.length ? `only in ${split}: ${extra.join(", ")}` : "",
        moved ? "same columns in a different order" : "",
      ];
      throw new DataError(`Feature columns differ between ${frames.train.source} and ${frames[split].source}: ${parts.filter(Boolean).join("; ")}`, {
        file: frames[split].source,
      });
    }
  }
}
