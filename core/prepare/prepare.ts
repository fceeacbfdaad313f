import { NO_LABEL } from "../data/frame.ts";
import type { WriteColumn } from "../data/parquet_write.ts";
import type { Bars } from "./bars.ts";
import type { PrepareConfig } from "./config.ts";
import { computeFeatures, type Features } from "./features.ts";
import { type BarrierLabels, tripleBarrier } from "./labels.ts";
import type { PrepareManifest } from "./manifest.ts";
import { type FeatureScaler, fitFeatureScaler } from "./scale.ts";
import { checkEnoughBars } from "./enough_bars.ts";
import { assignSplits, planSplit } from "./split.ts";

const SPLITS = ["train", "val", "test"] as const;

/** The three Phase-1 tables and the manifest that describes (and can redo) them. */
export interface Prepared {
  tables: Record<(typeof SPLITS)[number], { columns: WriteColumn[]; rows: number }>;
  manifest: PrepareManifest;
}

/**
 * Raw bars -> Phase-1 splits: causal features, triple-barrier labels per horizon, rows before the
 * features are defined dropped, time splits with purge and embargo, and a scaler fitted on train only
 * and applied to all three. Too few bars for a split to keep a labelled row is an error naming the minimum.
 */
export function prepareBars(bars: Bars, config: PrepareConfig): Prepared {
  const features = computeFeatures(bars, config.features);
  const horizons = config.labels.horizons;
  const labels = horizons.map((h) =>
    tripleBarrier(bars, { horizon: h, k: config.labels.k[String(h)] ?? config.labels.default_k, volWindow: config.labels.vol_window })
  );
  const defined = definedRows(features);
  const plan = planSplit(bars, config.split, Math.max(...horizons));
  const split = assignSplits(bars, plan);
  const rowsOf = SPLITS.map((_, s) => {
    const rows: number[] = [];
    for (let i = 0; i < bars.rows; i++) if (split[i] === s && defined[i]) rows.push(i);
    return Int32Array.from(rows);
  });
  checkEnoughBars(bars, config, { plan, labels, defined, rowsOf });
  const scaler = fitFeatureScaler(config.scaler, features.columns, rowsOf[0]);
  const tables = Object.fromEntries(
    SPLITS.map((name, s) => [name, { columns: table(bars, features, labels, scaler, rowsOf[s]), rows: rowsOf[s].length }]),
  ) as Prepared["tables"];
  let warmup = 0;
  for (let i = 0; i < bars.rows; i++) if (!defined[i]) warmup++;
  const manifest: PrepareManifest = {
    version: 1,
    source: { file: bars.source, rows: bars.rows, symbols: bars.symbols, bar_ms: bars.barMs },
    config,
    features: features.names,
    scaler,
    split: { val_start: new Date(plan.valStart).toISOString(), test_start: new Date(plan.testStart).toISOString(), purge: plan.purge, embargo: plan.embargo },
    gaps: bars.gaps,
    warmup_rows_dropped: warmup,
    splits: Object.fromEntries(SPLITS.map((name, s) => [name, describe(bars, labels, rowsOf[s])])),
  };
  return { tables, manifest };
}

/** Rows where every feature is defined (past the warm-up). */
export function definedRows(features: Features): Uint8Array {
  const n = features.columns[0]?.length ?? 0;
  const ok = new Uint8Array(n).fill(1);
  for (const column of features.columns) for (let i = 0; i < n; i++) if (!(column[i] - column[i] === 0)) ok[i] = 0;
  return ok;
}

/** Standardised Float32 feature columns of the given rows. */
export function scaledColumns(features: Features, scaler: FeatureScaler, rows: Int32Array): Float32Array[] {
  return features.columns.map((column, j) => {
    const c = scaler.center[j], inv = 1 / scaler.scale[j];
    return Float32Array.from(rows, (i) => (column[i] - c) * inv);
  });
}

function table(bars: Bars, features: Features, labels: BarrierLabels[], scaler: FeatureScaler, rows: Int32Array): WriteColumn[] {
  const scaled = scaledColumns(features, scaler, rows);
  return [
    { name: "datetime", type: "timestamp_ms", data: Float64Array.from(rows, (i) => bars.time[i]) },
    { name: "symbol", type: "string", data: Array.from(rows, (i) => bars.symbols[bars.symbol[i]]) },
    ...features.names.map((name, j): WriteColumn => ({ name, type: "float32", data: scaled[j] })),
    ...labels.flatMap(({ horizon, label, fwdReturn }): WriteColumn[] => [
      { name: `label_h${horizon}`, type: "int8", nullable: true, data: Array.from(rows, (i) => (label[i] === NO_LABEL ? null : label[i])) },
      { name: `fwd_ret_h${horizon}`, type: "float32", nullable: true, data: Float32Array.from(rows, (i) => fwdReturn[i]) },
    ]),
  ];
}

/** Rows, time span, and label distribution per horizon, overall and per symbol. */
function describe(bars: Bars, labels: BarrierLabels[], rows: Int32Array) {
  const count = (pick: (i: number) => boolean) =>
    Object.fromEntries(labels.map(({ horizon, label }) => {
      const c = { "-1": 0, "0": 0, "1": 0, null: 0 };
      for (const i of rows) if (pick(i)) c[label[i] === NO_LABEL ? "null" : (String(label[i]) as "-1" | "0" | "1")]++;
      return [`h${horizon}`, c];
    }));
  const per_symbol = Object.fromEntries(bars.symbols.map((name, s) => {
    let n = 0;
    for (const i of rows) if (bars.symbol[i] === s) n++;
    return [name, { rows: n, labels: count((i) => bars.symbol[i] === s) }];
  }));
  let first = Infinity, last = -Infinity;
  for (const i of rows) [first, last] = [Math.min(first, bars.time[i]), Math.max(last, bars.time[i])];
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);
  return { rows: rows.length, from: iso(first), to: iso(last), labels: count(() => true), per_symbol };
}
