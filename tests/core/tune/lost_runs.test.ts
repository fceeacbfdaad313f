import { describe, expect, it } from "vitest";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { horizonLabels, LoadedDataset } from "../../../core/data/dataset.ts";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { synthSplits } from "../../../core/data/synth.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { ByteSource } from "../../../core/platform.ts";
import { fitRun } from "../../../core/train/fit_run.ts";
import { jsonText, readRunJson, RunRecord } from "../../../core/train/run_record.ts";
import { journalLines, type JournalOp, replay } from "../../../core/tune/journal.ts";
import { markLostTrialRuns } from "../../../core/tune/lost_runs.ts";
import { registry } from "../../../models/index.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";

const tiny = synthSplits({ symbols: 1, rows: 300, features: 3, seed: 2 });
const source = (name: string, bytes: Uint8Array): ByteSource => ({
  name,
  byteLength: bytes.length,
  slice: (start, end = bytes.length) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
});
const at = "2026-12-01T10:00:00.000Z";

describe("markLostTrialRuns", () => {
  it("marks failed only the running runs of this study's trials that lost their worker", async () => {
    const sources = Object.fromEntries((["train", "val", "test"] as const).map((s) => [s, source(`${s}.parquet`, writeParquet(tiny[s].columns))]));
    const data = await LoadedDataset.load(sources as never, { ...DatasetConfig.parse({ horizon: 5 }), labels: horizonLabels([5]) });
    const runs = new MemoryRunStore();
    const env = { store: runs, clock: Date, startBackend: tfjsBackend() };
    const train = async (study: string, trial: number, status: "running" | "finished") => {
      const settings = { plugin: registry.get("logistic"), params: {}, dataset: { horizon: 5 }, trainer: { epochs: 1, backend: "cpu" as const } };
      const { runId } = await fitRun(data, { ...settings, tags: { study: { name: study, trial } }, scoreTest: false }, env);
      const record = await readRunJson(runs, runId, "run.json", RunRecord);
      await runs.write(runId, "run.json", jsonText({ ...record, status }));
      return runId;
    };
    // trial 0 lost its worker (a reload), trial 1 is still running elsewhere, trial 2 completed; study t's trial 0 is another study's
    const lost = await train("s", 0, "running");
    const alive = await train("s", 1, "running");
    const done = await train("s", 2, "finished");
    const other = await train("t", 0, "running");
    const ops: JournalOp[] = [
      {
        op: "create_study",
        name: "s",
        model: "linear:logistic",
        horizon: 5,
        direction: "maximize",
        objective: "f1_macro",
        space: {},
        sampler: "random",
        pruner: null,
        settings: {},
        at,
      },
      ...[0, 1, 2].map((number): JournalOp => ({ op: "create_trial", number, worker: "w", at })),
      { op: "finish", trial: 0, state: "failed", reason: "heartbeat", at },
      { op: "finish", trial: 2, state: "complete", value: 0.5, run_id: done, at },
    ];
    const study = replay(journalLines(ops), "s");
    expect(await markLostTrialRuns(runs, study)).toEqual([lost]);
    const status = async (id: string) => (await readRunJson(runs, id, "run.json", RunRecord)).status;
    expect([await status(lost), await status(alive), await status(done), await status(other)]).toEqual(["failed", "running", "finished", "running"]);
    expect((await readRunJson(runs, lost, "run.json", RunRecord)).error).toMatch(/^interrupted: trial 0 of study s lost its worker/);
    // nothing lost: the runs are not even listed
    expect(await markLostTrialRuns(runs, { ...study, trials: study.trials.filter((t) => t.number !== 0) })).toEqual([]);
  });
});
