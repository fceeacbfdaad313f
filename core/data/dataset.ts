import { type DatasetConfig, TimeSplitConfig } from "../config/dataset.ts";
import { ConfigError, DataError } from "../errors.ts";
import type { ByteSource, ProgressSink } from "../platform.ts";
import type { DatasetFingerprint } from "./fingerprint.ts";
import { concatFrames, type Frame, frameRows, selectLabel, symbolRanges } from "./frame.ts";
import { readFrame } from "./read_frame.ts";
import { fitStandardScaler, scaleFrame, type StandardScaler } from "./scaler.ts";
import { horizonColumns, type Splits, type SplitSources } from "./splits.ts";
import { assignTimeSplit, defaultPurge, planTimeSplit, SPLIT_NAMES, splitFrameByTime, type SplitName, type TimeSplitRecord } from "./time_split.ts";
import { type SplitFile, windowSplits } from "./window_splits.ts";

/** The dataset settings that decide what is read from the files (the rest only decide how it is cut and windowed). */
export type ReadSettings = Pick<DatasetConfig, "feature_columns" | "include_symbols" | "nan_policy">;

/** What to read: the reading settings and every label column any run will use. */
export interface LoadRequest extends ReadSettings {
  /** Label columns to keep, each with its forward-return column (read when the file has it). */
  labels: readonly { label: string; fwdReturn?: string }[];
}

/** The label columns of some horizons, for a {@linkcode LoadRequest}. */
export function horizonLabels(horizons: readonly number[]): LoadRequest["labels"] {
  return [...new Set(horizons)].map((h) => {
    const { label, fwdReturn } = horizonColumns(h);
    return { label, fwdReturn };
  });
}

/**
 * Data read once and shared by many runs: the frames of the files as read (never modified), every
 * requested horizon's labels in them. {@linkcode LoadedDataset.splits} gives a run its windowed,
 * scaled splits for its horizon and window; scaled copies are made once per cut and reused.
 */
export class LoadedDataset {
  private readonly developments = new Map<string, Frame>();
  private readonly cuts = new Map<string, { frames: Record<SplitName, Frame>; scaler?: StandardScaler; split?: TimeSplitRecord }>();

  private constructor(
    readonly request: LoadRequest,
    /** The three split files' frames, or the one file's. */
    private readonly frames: Record<SplitName, Frame> | { file: Frame },
    private readonly files: Record<SplitName, ByteSource>,
  ) {}

  /** Reads the sources once (three split files, or one file to be cut by time), checking the splits share their feature columns. */
  static async load(sources: SplitSources, request: LoadRequest, progress?: ProgressSink): Promise<LoadedDataset> {
    if (request.labels.length === 0) throw new RangeError("LoadedDataset.load needs at least one label column");
    const [first, ...more] = request.labels;
    const read = (source: ByteSource) => {
      progress?.({ kind: "phase", phase: "read", detail: source.name });
      return readFrame(source, {
        labelColumn: first.label,
        fwdReturnColumn: first.fwdReturn,
        moreLabels: more,
        requireLabel: true,
        featureColumns: request.feature_columns,
        includeSymbols: request.include_symbols,
        nanPolicy: request.nan_policy,
        onWarning: (message) => progress?.({ kind: "warning", message }),
      });
    };
    if ("file" in sources) {
      const files = { train: sources.file, val: sources.file, test: sources.file };
      return new LoadedDataset(request, { file: await read(sources.file) }, files);
    }
    const frames = {} as Record<SplitName, Frame>;
    for (const s of SPLIT_NAMES) frames[s] = await read(sources[s]);
    assertSameFeatures(frames);
    return new LoadedDataset(request, frames, { train: sources.train, val: sources.val, test: sources.test });
  }

  /** Feature columns, in order. */
  get featureNames(): readonly string[] {
    return "file" in this.frames ? this.frames.file.featureNames : this.frames.train.featureNames;
  }

  /** The files read, by split (one file serves all three when it is cut by time). */
  get sources(): Readonly<Record<SplitName, ByteSource>> {
    return this.files;
  }

  /**
   * The windowed splits of one run: its horizon's labels, its time split (one file), the scaler fitted on
   * train only, its window length, and its training sample (`train_stride`, `max_train_samples`).
   * The reading settings must be the ones this data was loaded with.
   */
  splits(config: DatasetConfig & { seq_len: number }, progress?: ProgressSink): Splits {
    this.checkReadSettings(config);
    const { label, fwdReturn } = horizonColumns(config.horizon);
    const labelColumn = config.label_column ?? label;
    if (!this.request.labels.some((l) => l.label === labelColumn)) {
      throw new RangeError(`Label column "${labelColumn}" was not loaded; loaded: ${this.request.labels.map((l) => l.label).join(", ")}`);
    }
    const { frames, scaler, split } = this.cut(config, labelColumn, fwdReturn);
    const files = Object.fromEntries(SPLIT_NAMES.map((s) => [s, { name: this.files[s].name, bytes: this.files[s].byteLength }])) as Record<
      SplitName,
      SplitFile
    >;
    const { windows, records } = windowSplits(frames, files, config, labelColumn, progress);
    const fingerprint: DatasetFingerprint = {
      files: records,
      symbols: [...new Set([...frames.train.symbols, ...frames.val.symbols, ...frames.test.symbols])].sort(),
      features: [...frames.train.featureNames],
      label_column: labelColumn,
      ...(split ? { split } : {}),
    };
    return { ...windows, featureNames: frames.train.featureNames, scaler, labelColumn, fingerprint };
  }

  /**
   * The rows a tuner may see, as one unscaled frame with the run's label selected: train and val in time order
   * (three files: the two files joined per symbol; one file: every row before the test boundary, less the purge
   * before it, whose labels look into test). Test rows are never part of it. Made once per label and split.
   */
  developmentFrame(config: DatasetConfig): Frame {
    this.checkReadSettings(config);
    const { label, fwdReturn } = horizonColumns(config.horizon);
    const labelColumn = config.label_column ?? label;
    const key = JSON.stringify(["development", labelColumn, config.split ?? null]);
    const known = this.developments.get(key);
    if (known) return known;
    let frame: Frame;
    if ("file" in this.frames) {
      const whole = selectLabel(this.frames.file, labelColumn, fwdReturn);
      const name = this.files.train.name;
      const plan = planTimeSplit(whole.time, config.split ?? TimeSplitConfig.parse({}), {
        purge: defaultPurge(config.horizon, labelColumn),
        source: name,
        key: "dataset.split",
      });
      // one boundary, at test: rows before it are kept, less the purge before it
      const split = assignTimeSplit({ rows: whole.rows, time: whole.time, segments: symbolRanges(whole) }, { ...plan, valStart: plan.testStart, embargo: 0 });
      const rows: number[] = [];
      for (let i = 0; i < split.length; i++) if (split[i] === 0) rows.push(i);
      frame = frameRows(whole, rows, `${name} (train and val parts)`);
    } else {
      const { train, val } = withLabel(this.frames, labelColumn, fwdReturn);
      frame = concatFrames([train, val], `${this.files.train.name} + ${this.files.val.name}`);
    }
    this.developments.set(key, frame);
    return frame;
  }

  /** The frames of one horizon and time split, scaled when asked; made once and kept for the next run that needs the same. */
  private cut(config: DatasetConfig, labelColumn: string, fwdReturn: string) {
    // three split files are cut already: every horizon shares one scaled copy; one file is cut per horizon (the purge follows it)
    const oneFile = "file" in this.frames;
    const key = JSON.stringify([oneFile ? labelColumn : "", config.standardize, config.split ?? null]);
    const known = this.cuts.get(key);
    if (known) return oneFile ? known : { ...known, frames: withLabel(known.frames, labelColumn, fwdReturn) };
    let frames: Record<SplitName, Frame>, split: TimeSplitRecord | undefined;
    if ("file" in this.frames) {
      const whole = selectLabel(this.frames.file, labelColumn, fwdReturn);
      const cut = splitFrameByTime(whole, config.split ?? TimeSplitConfig.parse({}), {
        purge: defaultPurge(config.horizon, labelColumn),
        source: this.files.train.name,
        key: "dataset.split",
      });
      frames = { train: cut.train, val: cut.val, test: cut.test };
      split = cut.record;
    } else {
      if (config.split) {
        const names = SPLIT_NAMES.map((s) => this.files[s].name).join(", ");
        throw new ConfigError(`dataset.split cuts one data file by time, but three split files were given (${names}); remove dataset.split or give one file`, {
          key: "dataset.split",
        });
      }
      frames = this.frames;
    }
    const scaler = config.standardize ? fitStandardScaler(frames.train) : undefined;
    if (scaler) frames = Object.fromEntries(SPLIT_NAMES.map((s) => [s, scaleFrame(scaler, frames[s])])) as Record<SplitName, Frame>;
    const entry = { frames, scaler, split };
    this.cuts.set(key, entry);
    return oneFile ? entry : { ...entry, frames: withLabel(frames, labelColumn, fwdReturn) };
  }

  private checkReadSettings(config: ReadSettings): void {
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    for (const key of ["feature_columns", "include_symbols", "nan_policy"] as const) {
      if (!same(config[key], this.request[key])) {
        throw new RangeError(`dataset.${key} is ${JSON.stringify(config[key])}, but the data was loaded with ${JSON.stringify(this.request[key])}`);
      }
    }
  }
}

/** The splits' frames with one horizon's label selected (views sharing every array). */
function withLabel(frames: Record<SplitName, Frame>, labelColumn: string, fwdReturn: string): Record<SplitName, Frame> {
  return Object.fromEntries(SPLIT_NAMES.map((s) => [s, selectLabel(frames[s], labelColumn, fwdReturn)])) as Record<SplitName, Frame>;
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
