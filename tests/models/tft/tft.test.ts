import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { loadSplits } from "../../../core/data/splits.ts";
import { synthSplits } from "../../../core/data/synth.ts";
import type { BackendChoice } from "../../../core/compute.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { InterpretableAttention } from "../../../models/tft/attention.ts";
import { causalMask } from "../../../models/tfjs/causal_mask.ts";
import { tft, TFT_FEATURES, TftConfig, tftNetwork } from "../../../models/tft/tft.ts";
import { SELECTION_FILE } from "../../../models/tft/tft_model.ts";
import { TFT_SELECTION } from "../../../models/tft/variable_selection.ts";
import { memorySource } from "../../helpers.ts";
import { bodyUpTo, probeCausality } from "../causality.ts";

let backend: BackendChoice;
beforeAll(async () => {
  backend = await selectBackend("cpu");
});

const L = 10, F = 4;
const build = () => tftNetwork(TftConfig.parse({ d_model: 8, heads: 2 }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);

describe("TFT", () => {
  it("is causal: changing the input at step t changes no output before t, and changes the output at t", () => {
    const net = build();
    const probe = probeCausality(bodyUpTo(net, TFT_FEATURES), { seqLen: L, nFeatures: F });
    expect(probe.leaks).toEqual([]);
    expect(probe.reached).toEqual(Array.from({ length: L }, (_, t) => t));
    net.dispose();
  });

  it("selects variables with weights that sum to one over the features at every step", () => {
    const net = build();
    const weights = bodyUpTo(net, TFT_SELECTION).predict(tf.randomNormal([3, L, F], 0, 1, "float32", 4)) as tf.Tensor;
    expect(weights.shape).toEqual([3, L, F]);
    const sums = tf.sum(weights, -1).dataSync();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    net.dispose();
  });

  it("reports the mean selection weights over validation as feature importance, and keeps them through save and load", async () => {
    const data = synthSplits({ symbols: 2, rows: 300, features: F, seed: 3 });
    const source = (split: "train" | "val" | "test") => memorySource(`${split}.parquet`, writeParquet(data[split].columns));
    const splits = await loadSplits({ train: source("train"), val: source("val"), test: source("test") }, {
      ...DatasetConfig.parse({ horizon: 5 }),
      seq_len: L,
    });
    const config = TftConfig.parse({ d_model: 8, heads: 2 });
    const shape = { seqLen: L, nFeatures: F, nClasses: 3 as const };
    const model = tft.create(config, shape, { seed: 2, backend });
    expect(() => model.featureImportance()).toThrow(/not been fitted/);
    expect(await model.save()).not.toHaveProperty(SELECTION_FILE);
    await model.fit(splits.train, splits.val, {
      epochs: 1,
      batchSize: 64,
      seed: 2,
      restoreBest: false,
      onEpoch: () => Promise.resolve({ stop: false, best: false }),
    });
    const { kind, values: importance } = model.featureImportance();
    // the model says which kind of importance it reports (run.json records it)
    expect(kind.label).toBe("selection weight");
    expect(importance).toHaveLength(F);
    expect(importance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // the same figure computed here from the network's selection layer
    const selection = bodyUpTo(model.net, TFT_SELECTION);
    const windows = tf.tensor3d(splits.val.gather(Int32Array.from({ length: splits.val.size }, (_, k) => k)), [splits.val.size, L, F]);
    const expected = tf.mean(selection.predict(windows) as tf.Tensor, [0, 1]).dataSync();
    importance.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    const loaded = await tft.load(await model.save(), config, shape, { backend });
    expect(loaded.featureImportance()).toEqual({ kind, values: importance });
    model.dispose();
    loaded.dispose();
  });
});

describe("InterpretableAttention", () => {
  it("averages the heads' causal attention matrices and applies them to one shared value projection", () => {
    const layer = new InterpretableAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([2, 5, 4], 0, 1, "float32", 1);
    const out = layer.apply(x) as tf.Tensor;
    const [wqk, wv, wo] = layer.getWeights();
    // Reference for sample 1, one head at a time, without reshapes.
    const seq = tf.reshape(tf.slice(x, [1, 0, 0], [1, 5, 4]), [5, 4]);
    const qk = tf.matMul(seq, wqk);
    const attention = [0, 1].map((h) => {
      const q = tf.slice(qk, [0, h * 2], [5, 2]), k = tf.slice(qk, [0, 4 + h * 2], [5, 2]);
      return tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(2)), causalMask(5)));
    });
    const averaged = tf.div(tf.add(attention[0], attention[1]), 2);
    expect(tf.sum(tf.mul(averaged, tf.sub(1, tf.linalg.bandPart(tf.ones([5, 5]), -1, 0)))).dataSync()[0]).toBe(0);
    const expected = tf.matMul(tf.matMul(averaged, tf.matMul(seq, wv)), wo);
    const got = tf.reshape(tf.slice(out, [1, 0, 0], [1, 5, 4]), [5, 4]);
    expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });
});
