import { writeParquet } from "../../../core/data/parquet_write.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import { createRng } from "../../../core/random.ts";

/** Sizes of a fake run; the defaults are those of a demo run (3 symbols, ~6,100 bars per split, 107 features). */
export interface FakeRunSize {
  epochs?: number;
  points?: number;
  weights?: number;
  predictions?: number;
}

/**
 * The files of a run as the trainer writes them (run.json, metrics.json with per-symbol metrics,
 * metrics.jsonl, equity.json, feature_importance.json, model/, predictions/), with seeded values.
 */
export function fakeRunFiles(id: string, seed: number, size: FakeRunSize = {}): Record<string, Uint8Array | string> {
  const { epochs = 12, points = 6130, weights = 25_000, predictions = 200 } = size;
  const rnd = createRng(seed);
  const symbols = ["SYM00", "SYM01", "SYM02"];
  const features = Array.from({ length: 107 }, (_, i) => `f_${String(i).padStart(3, "0")}`);
  const model = ["linear:logistic", "neural:mlp", "neural:lstm"][seed % 3];
  const record = {
    id,
    model,
    family: model.split(":")[0],
    horizon: seed % 2 ? 20 : 5,
    seq_len: model === "neural:lstm" ? 32 : 1,
    config: { params: { hidden: [128, 64], dropout: 0.1 * (seed % 4) }, dataset: { horizon: 5 }, trainer: { epochs, batch_size: 256, seed } },
    dataset: { files: { train: { name: "train.parquet", rows: 86040, samples: 86040 } }, symbols, features, label_column: "label_h5" },
    backend: { name: "cpu", requested: "cpu", reason: "as requested" },
    versions: { "model-factory": "0.1.0" },
    seed,
    status: "finished",
    created_at: new Date(Date.UTC(2026, 10, 22, 12, seed)).toISOString(),
    best_epoch: epochs - 2,
    epochs_run: epochs,
    stop_reason: "completed",
    timings: { fit_s: 12.5 + seed },
  };
  const split = () => {
    const classes = () => ({ "-1": rnd.uniform(), "0": rnd.uniform(), "1": rnd.uniform() });
    const base = {
      n: 18390,
      accuracy: rnd.uniform(),
      f1_macro: rnd.uniform(),
      f1_weighted: rnd.uniform(),
      precision: classes(),
      recall: classes(),
      f1: classes(),
      support: { "-1": 6000, "0": 6390, "1": 6000 },
      confusion: [[2085, 1887, 2084], [707, 1352, 4002], [1000, 2000, 3000]],
      log_loss: 1 + rnd.uniform(),
      sharpe: rnd.normal() * 3,
      max_drawdown: -rnd.uniform(),
      win_rate: rnd.uniform(),
      profit_factor: 1 + rnd.uniform(),
      n_trades: 4616,
      turnover: rnd.uniform(),
      total_return: rnd.normal(),
    };
    return { ...base, per_symbol: Object.fromEntries(symbols.map((s) => [s, { ...base, sharpe: rnd.normal() }])) };
  };
  const lines = Array.from({ length: epochs }, (_, epoch) =>
    JSON.stringify({
      epoch,
      train_loss: 1 - epoch * 0.01 + rnd.uniform() * 0.001,
      train_accuracy: 0.4 + epoch * 0.01,
      val_loss: 1.02 - epoch * 0.005,
      val_accuracy: 0.45 + rnd.uniform() * 0.01,
      best: epoch === epochs - 2,
      time_s: 1.5 * (epoch + 1),
    }));
  const curve = (start: number) => {
    let equity = 1;
    let peak = 1;
    const time: number[] = [], eq: number[] = [], dd: number[] = [];
    for (let i = 0; i < points; i++) {
      equity *= 1 + rnd.normal() * 0.001;
      peak = Math.max(peak, equity);
      time.push(start + i * 300_000);
      eq.push(Number(equity.toPrecision(7)));
      dd.push(Number((equity / peak - 1).toPrecision(7)));
    }
    return { time, equity: eq, drawdown: dd };
  };
  const weightBytes = new Uint8Array(new Float32Array(Array.from({ length: weights }, () => rnd.normal() * 0.1)).buffer);
  const predictionsFile = () =>
    writeParquet([
      { name: "datetime", type: "timestamp_ms", data: Array.from({ length: predictions }, (_, i) => Date.UTC(2024, 3, 9) + i * 300_000) },
      { name: "symbol", type: "string", data: Array.from({ length: predictions }, (_, i) => symbols[i % 3]) },
      { name: "horizon", type: "int32", data: new Int32Array(predictions).fill(5) },
      { name: "prediction", type: "int8", data: Int8Array.from({ length: predictions }, (_, i) => (i % 3) - 1) },
      { name: "prob_short", type: "float32", data: Float32Array.from({ length: predictions }, () => rnd.uniform()) },
      { name: "prob_neutral", type: "float32", data: Float32Array.from({ length: predictions }, () => rnd.uniform()) },
      { name: "prob_long", type: "float32", data: Float32Array.from({ length: predictions }, () => rnd.uniform()) },
    ]);
  return {
    "run.json": jsonText(record),
    "metrics.json": jsonText({ val: split(), test: split() }),
    "metrics.jsonl": lines.join("\n") + "\n",
    "equity.json": JSON.stringify({ val: curve(Date.UTC(2024, 3, 9)), test: curve(Date.UTC(2024, 5, 1)) }),
    "feature_importance.json": jsonText(Object.fromEntries(features.map((f) => [f, rnd.uniform()]))),
    "model/model.json": jsonText({ format: "layers-model", weightsManifest: [{ paths: ["weights.bin"] }] }),
    "model/weights.bin": weightBytes,
    "model/preprocess.json": jsonText({ features, horizon: 5, seq_len: 1, label_column: "label_h5" }),
    "predictions/val.parquet": predictionsFile(),
    "predictions/test.parquet": predictionsFile(),
  };
}

/** A memory store holding `count` fake runs with ids `20261122-1200NN-fake-h5-0000`. */
export async function fakeStore(count: number, size: FakeRunSize = {}): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  for (let i = 0; i < count; i++) {
    const id = `20261122-12${String(i).padStart(4, "0")}-fake-h5-${i.toString(16).padStart(4, "0")}`;
    for (const [path, data] of Object.entries(fakeRunFiles(id, i + 1, size))) await store.write(id, path, data);
  }
  return store;
}
