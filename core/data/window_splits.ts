import type { DatasetConfig } from "../config/dataset.ts";
import { DataError } from "../errors.ts";
import type { ProgressSink } from "../platform.ts";
import type { SplitFileRecord } from "./fingerprint.ts";
import type { Frame } from "./frame.ts";
import { Windows } from "./windows.ts";

/** A split's file as a run names it in messages and in its fingerprint. */
export interface SplitFile {
  name: string;
  bytes?: number;
}

/**
 * The sample windows of each split's frame for one run's window length (every split must give a sample: an empty
 * one is a DataError naming its file and the label column), the training split thinned by `train_stride` and
 * `max_train_samples`; and the fingerprint record of each split's file.
 */
export function windowSplits<S extends string>(
  frames: Record<S, Frame>,
  files: Record<S, SplitFile>,
  config: Pick<DatasetConfig, "exclude_neutrals" | "train_stride" | "max_train_samples"> & { seq_len: number },
  labelColumn: string,
  progress?: ProgressSink,
): { windows: Record<S, Windows> & { train: Windows }; records: Record<S, SplitFileRecord> } {
  const windows = {} as Record<S, Windows>;
  const names = Object.keys(frames) as S[];
  for (const s of names) {
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
  const train = "train" as S;
  const available = windows[train].size;
  windows[train] = windows[train].subsample(config.train_stride, config.max_train_samples);
  const records = {} as Record<S, SplitFileRecord>;
  for (const s of names) {
    records[s] = {
      name: files[s].name,
      ...(files[s].bytes !== undefined ? { bytes: files[s].bytes } : {}),
      rows: frames[s].rows,
      samples: windows[s].size,
      ...(s === train && windows[s].size < available ? { samples_available: available } : {}),
    };
  }
  return { windows: windows as Record<S, Windows> & { train: Windows }, records };
}
