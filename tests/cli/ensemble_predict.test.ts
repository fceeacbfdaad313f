/// <reference types="node" />
// mf predict on an ensemble run: two runs trained by `mf train`, an ensemble built from them by core/ensemble
// (as `mf experiment` does after its cells) and written into the same runs folder; `mf predict` runs its members.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadedDataset } from "../../core/data/dataset.ts";
import { buildEnsembleRun } from "../../core/ensemble/build.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import type { RunRecord } from "../../core/train/run_record.ts";
import { memorySource } from "../helpers.ts";
import { errorMessage, lastLine, mf, quick, readRows, runJson, show, tempDir, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("ensemble");
afterAll(cleanup);
const data = join(dir, "data"), runs = join(dir, "runs");
mkdirSync(data);
const paths = writeSplits(data);

/** Every file under `root`, relative and `/`-separated. */
function walk(root: string, base = root): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = join(root, name);
    return statSync(full).isDirectory() ? walk(full, base) : [relative(base, full).split("\\").join("/")];
  });
}

let ensembleId: string;
let members: RunRecord[];

beforeAll(async () => {
  const trained: RunRecord[] = [];
  for (const args of [["--model", "logistic"], ["--model", "mlp", "--seq-len", "3"]]) {
    const r = await mf(["train", "--data", data, ...args, "--horizon", "5", "--seed", "3", "--json", ...quick(runs)]);
    if (r.code !== 0) throw new Error(`training failed: ${show(r)}`);
    trained.push(runJson(JSON.parse(lastLine(r.stdout)).run_dir) as RunRecord);
  }
  members = trained;
  const store = new MemoryRunStore();
  for (const record of trained) for (const path of walk(join(runs, record.id))) await store.write(record.id, path, readFileSync(join(runs, record.id, path)));
  const loaded = () =>
    LoadedDataset.load(
      {
        train: memorySource("train.parquet", readFileSync(paths.train)),
        val: memorySource("val.parquet", readFileSync(paths.val)),
        test: memorySource("test.parquet", readFileSync(paths.test)),
      },
      { labels: [{ label: "label_h5", fwdReturn: "fwd_ret_h5" }], nan_policy: "error" },
    );
  const record = await buildEnsembleRun("stacking", trained.map((r) => ({ record: r, label: r.model })), loaded, { store, clock: Date }, {
    name: "cli",
    cell_id: "c",
    label: "stacking",
  });
  ensembleId = record.id;
  for (const path of await store.files(ensembleId)) {
    const target = join(runs, ensembleId, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await store.read(ensembleId, path));
  }
}, 300_000);

describe("mf predict on an ensemble run", () => {
  it("runs the members and reproduces the ensemble's stored test predictions", async () => {
    const out = join(dir, "pred.parquet");
    const r = await mf(["predict", "--run", join(runs, ensembleId), "--input", paths.test, "--out", out, "--backend", "cpu", "--json"]);
    expect(r.code, show(r)).toBe(0);
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary).toMatchObject({ run_id: ensembleId, model: "ensemble:stacking", horizon: 5 });
    const key = (row: Record<string, unknown>) => `${row.symbol}|${(row.datetime as Date).getTime()}`;
    const predicted = new Map((await readRows(out)).map((row) => [key(row), row]));
    const stored = await readRows(join(runs, ensembleId, "predictions", "test.parquet"));
    expect(stored.length).toBeGreaterThan(100);
    for (const ref of stored) {
      const row = predicted.get(key(ref));
      expect(row, `no prediction for ${key(ref)}`).toBeDefined();
      for (const p of ["prob_short", "prob_neutral", "prob_long"]) expect(Math.abs((row![p] as number) - (ref[p] as number))).toBeLessThanOrEqual(1e-6);
    }
  });

  it("says which member is missing from the runs folder, in one error line", async () => {
    const gone = members[1].id;
    renameSync(join(runs, gone), join(dir, gone));
    try {
      const r = await mf(["predict", "--run", ensembleId, "--runs", runs, "--input", paths.test, "--out", join(dir, "x.parquet"), "--backend", "cpu"]);
      expect(r.code, show(r)).not.toBe(0);
      expect(errorMessage(r.stderr)).toContain(`needs its member run ${gone} (neural:mlp`);
    } finally {
      renameSync(join(dir, gone), join(runs, gone));
    }
  });
});
