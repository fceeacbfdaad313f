/// <reference types="node" />
// Scoring an exported registry folder the way its README says, with none of Model Factory's code: only
// @tensorflow/tfjs (networks), hyparquet (the input file) and Node's file reading. If a step here needs
// something the README does not say, the README is wrong.
import * as tf from "@tensorflow/tfjs";
import { parquetReadObjects } from "hyparquet";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One scored sample: the row it ends at, and the three probabilities (short, neutral, long). */
export interface Scored {
  symbol: string;
  time: number;
  probs: number[];
}

const f32 = Math.fround;
const json = (folder: string, name: string) => JSON.parse(readFileSync(join(folder, name), "utf8"));

/** The README's input steps: per symbol, rows by time; every row with L-1 earlier rows is a sample; features standardised in 32-bit floats. */
async function windows(folder: string, parquet: string): Promise<{ samples: { symbol: string; time: number; rows: number[][] }[]; L: number; F: number }> {
  const signature = json(folder, "signature.json"), preprocess = json(folder, "preprocess.json");
  const features: string[] = signature.features, L: number = signature.window_length;
  const bytes = readFileSync(parquet);
  const table = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Record<
    string,
    unknown
  >[];
  const mean = features.map((_, j) => f32(preprocess.scaler.mean[j])), inv = features.map((_, j) => f32(1 / preprocess.scaler.std[j]));
  const bySymbol = new Map<string, { time: number; values: number[] }[]>();
  for (const row of table) {
    const symbol = String(row.symbol);
    const values = features.map((name, j) => f32((f32(row[name] as number) - mean[j]) * inv[j]));
    if (!bySymbol.has(symbol)) bySymbol.set(symbol, []);
    bySymbol.get(symbol)!.push({ time: (row.datetime as Date).getTime(), values });
  }
  const samples: { symbol: string; time: number; rows: number[][] }[] = [];
  for (const [symbol, rows] of bySymbol) {
    rows.sort((a, b) => a.time - b.time);
    for (let i = L - 1; i < rows.length; i++) samples.push({ symbol, time: rows[i].time, rows: rows.slice(i - L + 1, i + 1).map((r) => r.values) });
  }
  return { samples, L, F: features.length };
}

/** Loads model.json + weights.bin with plain tfjs (an IOHandler over the two files) and scores the file: logits -> softmax. */
export async function scoreNetwork(folder: string, parquet: string): Promise<Scored[]> {
  const model = json(folder, "model.json");
  const weights = readFileSync(join(folder, "weights.bin"));
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: model.modelTopology,
      weightSpecs: model.weightsManifest.flatMap((m: { weights: tf.io.WeightsManifestEntry[] }) => m.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  };
  const net = await tf.loadLayersModel(handler);
  const { samples, L, F } = await windows(folder, parquet);
  const sequence = json(folder, "signature.json").input === "sequence";
  const x = tf.tensor(Float32Array.from(samples.flatMap((s) => s.rows.flat())), sequence ? [samples.length, L, F] : [samples.length, L * F]);
  const probs = tf.softmax(net.predict(x) as tf.Tensor2D);
  const values = await probs.data();
  tf.dispose([x, probs]);
  net.dispose();
  return samples.map((s, k) => ({ symbol: s.symbol, time: s.time, probs: [values[3 * k], values[3 * k + 1], values[3 * k + 2]] }));
}

/** The tree walk of the README over trees.json, on the row vector its `input` says. */
export async function scoreTrees(folder: string, parquet: string): Promise<Scored[]> {
  const trees = json(folder, "trees.json");
  const { samples } = await windows(folder, parquet);
  return samples.map((s) => {
    const last = s.rows.at(-1)!, first = s.rows[0], L = s.rows.length;
    let row: number[];
    if (trees.input === "last") row = last;
    else if (trees.input === "flat") row = s.rows.flat();
    else {
      const mean = last.map((_, f) => s.rows.reduce((a, r) => a + r[f], 0) / L);
      const std = last.map((_, f) => Math.sqrt(Math.max(s.rows.reduce((a, r) => a + r[f] * r[f], 0) / L - mean[f] * mean[f], 0)));
      row = [...last, ...mean.map(f32), ...std.map(f32), ...last.map((v, f) => f32(v - first[f]))];
    }
    const scores = [0, 0, 0];
    for (const t of trees.trees) {
      let node = 0;
      while (t.feature[node] >= 0) {
        const v = row[t.feature[node]];
        const goLeft = Number.isNaN(v) ? t.default_left[node] === 1 : v <= t.threshold[node];
        node = goLeft ? t.left[node] : t.right[node];
      }
      for (let o = 0; o < t.n_out; o++) scores[t.output + o] += t.value[node * t.n_out + o];
    }
    let probs: number[];
    if (trees.link === "softmax") {
      const m = Math.max(...scores), e = scores.map((v) => Math.exp(v - m)), sum = e[0] + e[1] + e[2];
      probs = e.map((v) => v / sum);
    } else {
      const sum = scores[0] + scores[1] + scores[2];
      probs = sum > 0 ? scores.map((v) => v / sum) : [1 / 3, 1 / 3, 1 / 3];
    }
    return { symbol: s.symbol, time: s.time, probs };
  });
}
