import type { DatasetConfig } from "../config/dataset.ts";
import type { ByteSource, ProgressSink } from "../platform.ts";
import { LoadedDataset } from "./dataset.ts";
import type { DatasetFingerprint } from "./fingerprint.ts";
import type { StandardScaler } from "./scaler.ts";
import type { Windows } from "./windows.ts";

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

/** A run's splits where test may be absent: a cross-validation fold has only train and val, so it can never score test. */
export interface RunSplits extends Omit<Splits, "test"> {
  test?: Windows;
}

/** What a run trains on: loaded data (core/data/dataset.ts) or one fold of it (core/data/walk_forward.ts). */
export interface RunData {
  /** The run's windowed, scaled splits for its dataset settings and window length. */
  splits(config: DatasetConfig & { seq_len: number }, progress?: ProgressSink): RunSplits;
}

export type { DatasetFingerprint } from "./fingerprint.ts";

/** Column names of the label and forward return of a horizon. */
export function horizonColumns(horizon: number): { label: string; fwdReturn: string } {
  return { label: `label_h${horizon}`, fwdReturn: `fwd_ret_h${horizon}` };
}

/**
 * Reads train/val/test (or one file, cut by time with `config.split`) for one run's settings: a
 * {@linkcode LoadedDataset} of that one horizon, then its splits. Many runs share one load through LoadedDataset.
 */
export async function loadSplits(sources: SplitSources, config: DatasetConfig & { seq_len: number }, progress?: ProgressSink): Promise<Splits> {
  const { label, fwdReturn } = horizonColumns(config.horizon);
  const data = await LoadedDataset.load(sources, { ...config, labels: [{ label: config.label_column ?? label, fwdReturn }] }, progress);
  return data.splits(config, progress);
}
