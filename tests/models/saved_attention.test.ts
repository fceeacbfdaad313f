import * as tf from "@tensorflow/tfjs";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DatasetConfig } from "../../core/config/dataset.ts";
import type { BackendChoice } from "../../core/compute.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { loadSplits } from "../../core/data/splits.ts";
import { synthSplits } from "../../core/data/synth.ts";
import type { Model, ModelFiles } from "../../core/model.ts";
import { registry } from "../../models/index.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import type { NetworkModel } from "../../models/tfjs/network_model.ts";
import { memorySource } from "../helpers.ts";

/**
 * Saved attention models keep loading and predicting the same numbers, and fresh builds keep their
 * layers, weight names and initial weights. The fixtures were written by this file's write mode
 * (MF_WRITE_ATTENTION_FIXTURES=<folder>) at commits b0cff2c and 4f653ed (byte-identical), before the
 * attention layers shared a base class: each model trained one epoch on the cpu backend with seed 5,
 * its saved files, and its fresh and trained outputs on a fixed input. Rewrite them only for an
 * intended change of format.
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/saved_attention/", import.meta.url));
const WRITE = process.env.MF_WRITE_ATTENTION_FIXTURES;

const L = 8, F = 6, SEED = 5;
const shape = { seqLen: L, nFeatures: F, nClasses: 3 as const };
const cases: Record<string, object> = {
  transformer: { d_model: 8, heads: 2, ff: 16, layers: 1 },
  patchtst: { d_model: 8, heads: 2, ff: 16, layers: 1, patch_len: 4, stride: 2 },
  informer: { d_model: 8, heads: 2, ff: 16, layers: 2 },
  autoformer: { d_model: 8, ff: 16, layers: 1, moving_average: 3, factor: 2 },
  tft: { d_model: 8, heads: 2 },
};

/** What a fixture's expected.json holds. */
interface Expected {
  fresh: { layout: unknown; outputs: number[] };
  trained: number[];
}

/** A fixed (3, L, F) input that depends on no random generator. */
const input = () => tf.tensor3d(Float32Array.from({ length: 3 * L * F }, (_, i) => 1.5 * Math.sin(0.37 * i + 0.1 * (i % 7))), [3, L, F]);
const outputs = (net: tf.LayersModel) => tf.tidy(() => Array.from((net.predict(input()) as tf.Tensor).dataSync()));

/** FNV-1a of a weight's bytes: equal only for bit-identical weights. */
function hash(values: Float32Array): string {
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16);
}

/** Each layer's class and config (its uid-numbered name left out), and each weight's name in its layer (before tfjs makes it unique in the process), shape and hash, in saved order. */
function layout(net: tf.LayersModel): unknown {
  const layers = net.layers.map((l) => {
    const { name: _, ...config } = l.getConfig();
    return [l.getClassName(), config];
  });
  const weights = net.weights.map((w) => [w.originalName.slice(w.originalName.indexOf("/") + 1), w.shape, hash(w.read().dataSync() as Float32Array)]);
  return JSON.parse(JSON.stringify({ layers, weights }));
}

let backend: BackendChoice;
beforeAll(async () => {
  backend = await selectBackend("cpu");
});

for (const [name, params] of Object.entries(cases)) {
  describe(`saved ${name}`, () => {
    const plugin = registry.get(name);
    const config = plugin.configSchema.parse(params);
    const dir = join(WRITE ?? FIXTURES, name);

    if (WRITE) {
      it("writes the fixture", async () => {
        const model = plugin.create(config, shape, { seed: SEED, backend });
        const net = () => (model as NetworkModel).net;
        const fresh = { layout: layout(net()), outputs: outputs(net()) };
        const data = synthSplits({ symbols: 2, rows: 300, features: F, seed: 11 });
        const source = (split: "train" | "val" | "test") => memorySource(`${split}.parquet`, writeParquet(data[split].columns));
        const splits = await loadSplits({ train: source("train"), val: source("val"), test: source("test") }, {
          ...DatasetConfig.parse({ horizon: 5 }),
          seq_len: L,
        });
        const fit = { epochs: 1, batchSize: 64, seed: SEED, restoreBest: false, onEpoch: () => Promise.resolve({ stop: false, best: false }) };
        await model.fit(splits.train, splits.val, fit);
        mkdirSync(dir, { recursive: true });
        for (const [file, bytes] of Object.entries(await model.save())) writeFileSync(join(dir, file), bytes);
        writeFileSync(join(dir, "expected.json"), JSON.stringify({ fresh, trained: outputs(net()) } satisfies Expected));
        model.dispose();
      }, 120_000);
      return;
    }

    const expected = () => JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;

    it("loads the files saved before and predicts the same numbers, bit for bit", async () => {
      const files: ModelFiles = {};
      for (const file of readdirSync(dir).filter((f) => f !== "expected.json")) files[file] = new Uint8Array(readFileSync(join(dir, file)));
      const loaded: Model = await plugin.load(files, config, shape, { backend });
      expect(outputs((loaded as NetworkModel).net)).toEqual(expected().trained);
      loaded.dispose();
    });

    it("builds, for the same seed, the same layers, configs, weight names and initial weights, with the same outputs", () => {
      const model = plugin.create(config, shape, { seed: SEED, backend });
      const net = (model as NetworkModel).net;
      expect(layout(net)).toEqual(expected().fresh.layout);
      expect(outputs(net)).toEqual(expected().fresh.outputs);
      model.dispose();
    });
  });
}
