import { z } from "zod";
import type { ComputeBackend } from "../../../core/compute.ts";
import type { Windows } from "../../../core/data/windows.ts";
import type { Model, ModelFiles, ModelPlugin } from "../../../core/model.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { createRegistry } from "../../../core/registry.ts";
import { jsonText } from "../../../core/train/run_record.ts";

/** The features every fake run reads, in order. */
export const FEATURES = ["f_000", "f_001", "f_002"];

/** A backend value for loading (the fake plugin computes nothing on it). */
export const BACKEND = { name: "cpu" } as ComputeBackend;

/** A model that gives every sample the same probabilities, read from its weights.json: enough to tell versions apart. */
class ConstantModel implements Model {
  constructor(readonly probs: number[]) {}
  fit(): never {
    throw new Error("not trained here");
  }
  async predict(data: Windows): Promise<Float32Array> {
    const out = new Float32Array(data.size * 3);
    for (let k = 0; k < data.size; k++) out.set(this.probs, k * 3);
    return out;
  }
  async save(): Promise<ModelFiles> {
    return { "weights.json": new TextEncoder().encode(JSON.stringify(this.probs)) };
  }
  dispose(): void {}
}

/** A plugin whose saved model is weights.json (three probabilities). */
export const constantPlugin = {
  name: "constant",
  family: "fake",
  description: "The same probabilities for every sample (tests).",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: z.looseObject({}),
  create: () => new ConstantModel([1 / 3, 1 / 3, 1 / 3]),
  load: async (files: ModelFiles) => new ConstantModel(JSON.parse(new TextDecoder().decode(files["weights.json"]))),
} satisfies ModelPlugin;

/** The plugin registry of these tests. */
export const plugins = createRegistry([constantPlugin]);

/** What a fake run can differ in. */
export interface FakeRun {
  status?: "running" | "finished" | "failed" | "stopped";
  probs?: number[];
  seqLen?: number;
  experiment?: { name: string; cell_id: string; label: string };
  prepare?: boolean;
  /** Leave the model files out. */
  noModel?: boolean;
}

/** Writes a run as the trainer would (run.json, metrics.json, model/weights.json, model/preprocess.json) into `store`. */
export async function writeFakeRun(store: MemoryRunStore, id: string, options: FakeRun = {}): Promise<void> {
  const { status = "finished", probs = [0.2, 0.3, 0.5], seqLen = 2 } = options;
  await store.write(
    id,
    "run.json",
    jsonText({
      id,
      model: "fake:constant",
      family: "fake",
      horizon: 5,
      seq_len: seqLen,
      config: { params: {}, dataset: { horizon: 5, seq_len: seqLen }, trainer: { epochs: 2 } },
      dataset: { files: { train: { name: "train.parquet", rows: 100, samples: 90 } }, symbols: ["SYM00"], features: FEATURES, label_column: "label_h5" },
      backend: { name: "cpu", requested: "cpu", reason: "as requested" },
      versions: { "model-factory": "0.1.0" },
      seed: 7,
      status,
      ...(status === "failed" ? { error: "Out of memory" } : {}),
      created_at: "2026-11-22T12:00:00.000Z",
      timings: {},
      ...(options.experiment ? { experiment: options.experiment } : {}),
    }),
  );
  await store.write(
    id,
    "metrics.json",
    jsonText({ val: { f1_macro: 0.4, sharpe: 1.5, precision: { "-1": 0.3 } }, test: { f1_macro: 0.38, sharpe: 1.2, n: 90 } }),
  );
  await store.write(id, "metrics.jsonl", `{"epoch":0}\n`);
  await store.write(id, "predictions/test.parquet", new Uint8Array([1, 2, 3]));
  if (options.prepare) await store.write(id, "prepare.json", jsonText({ recipe: "fake" }));
  if (options.noModel) return;
  await store.write(id, "model/weights.json", JSON.stringify(probs));
  await store.write(
    id,
    "model/preprocess.json",
    jsonText({ features: FEATURES, horizon: 5, seq_len: seqLen, label_column: "label_h5", nan_policy: "error" }),
  );
}

/** A store with finished runs `a` and `b` (different probabilities). */
export async function twoRuns(): Promise<MemoryRunStore> {
  const runs = new MemoryRunStore();
  await writeFakeRun(runs, "run-a", { probs: [0.2, 0.3, 0.5], experiment: { name: "baseline", cell_id: "c1", label: "constant" } });
  await writeFakeRun(runs, "run-b", { probs: [0.6, 0.3, 0.1] });
  return runs;
}

/** A finished soft-voting ensemble run over `members`, as core/ensemble writes one. */
export async function writeEnsemble(runs: MemoryRunStore, id: string, members: string[]): Promise<void> {
  await writeFakeRun(runs, id, { noModel: true });
  const record = JSON.parse(new TextDecoder().decode(await runs.read(id, "run.json")));
  await runs.write(id, "run.json", jsonText({ ...record, model: "ensemble:soft_voting", family: "ensemble" }));
  await runs.write(
    id,
    "model/ensemble.json",
    jsonText({
      kind: "soft_voting",
      horizon: 5,
      seq_len: 2,
      members: members.map((run_id) => ({ run_id, model: "fake:constant", family: "fake", label: run_id, seq_len: 2 })),
    }),
  );
  await runs.write(id, "model/preprocess.json", jsonText({ features: FEATURES, horizon: 5, seq_len: 2, label_column: "label_h5", nan_policy: "error" }));
}
