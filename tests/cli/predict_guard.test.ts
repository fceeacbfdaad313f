/// <reference types="node" />
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFolder, expectUserError, trainGoodRuns, treeDigest } from "./good_runs.ts";
import { lastLine, mf, quick, show, tempDir } from "./helpers.ts";

// mf predict (and mf evaluate) given a bad run: an id that is no id, a run whose model files are damaged, a run that
// did not finish. One `error:` line naming the run and the file, exit code 1; the stored runs are never touched.
const { dir, cleanup } = tempDir("guard");
afterAll(cleanup);
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
let gbdt = "", gbdtLog = "";
beforeAll(async () => {
  good = await trainGoodRuns(dir);
  const r = await mf(["train", "--data", good.data, "--model", "gbdt", "--json", ...quick(join(dir, "gbdt-runs"))]);
  if (r.code !== 0) throw new Error(`training gbdt failed: ${show(r)}`);
  gbdt = JSON.parse(lastLine(r.stdout)).run_dir;
  gbdtLog = r.stderr;
});

it("counts a tree's epochs as boosting rounds in mf train's progress", () => {
  expect(gbdtLog).toMatch(/^boosting round +1\/\d+ +train loss/m);
  expect(gbdtLog).not.toMatch(/^epoch /m);
});

let counter = 0;
/** A runs folder holding the good runs plus a copy of one of them (`mlp` by default), edited by `edit`; its digest before the command. */
function withDamaged(edit: (runDir: string, id: string) => void, from?: string) {
  const runs = copyFolder(good.runs, join(dir, `case-${++counter}`));
  const source = from ?? join(good.runs, good.ids.find((id) => id.includes("-mlp-"))!);
  const id = `20990101-000000-copy-h5-${String(counter).padStart(4, "0")}`;
  const runDir = join(runs, id);
  cpSync(source, runDir, { recursive: true });
  const record = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
  writeFileSync(join(runDir, "run.json"), JSON.stringify({ ...record, id }, null, 2));
  edit(runDir, id);
  return { runs, runDir, id, before: treeDigest(runs) };
}

const predict = (...args: string[]) =>
  mf(["predict", "--backend", "cpu", "--input", join(good.data, "test.parquet"), "--out", join(dir, "never.parquet"), ...args]);

describe("mf predict --run with an id that is not a run id", () => {
  it.each(["my run", "..", ".", "-x", ""])("names %j and what a run id may hold", async (id) => {
    const runs = copyFolder(good.runs, join(dir, `ids-${++counter}`));
    const before = treeDigest(runs);
    const r = await predict("--runs", runs, `--run=${id}`);
    const message = expectUserError(r);
    expect(message).toContain(JSON.stringify(id));
    expect(message).toMatch(/letters, digits/);
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names a well-formed id that is not in the runs folder, and the folder", async () => {
    const r = await predict("--runs", good.runs, "--run", "20990101-000000-nope-h5-0000");
    expect(expectUserError(r)).toBe(`error: No run 20990101-000000-nope-h5-0000 in ${good.runs}`);
  });
});

describe("mf predict on a run whose saved model is damaged", () => {
  it("names the run and weights.bin when the weights file is truncated", async () => {
    const { runs, runDir, id, before } = withDamaged((d) => {
      const bytes = readFileSync(join(d, "model", "weights.bin"));
      writeFileSync(join(d, "model", "weights.bin"), bytes.subarray(0, Math.floor(bytes.length / 2) + 1));
    });
    const message = expectUserError(await predict("--run", runDir));
    expect(message).toContain(`Run ${id}`);
    expect(message).toMatch(/weights\.bin holds \d+ bytes but model\.json's weights manifest needs \d+: the file is truncated/);
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names the run and model.json when model.json is not JSON", async () => {
    const { runs, runDir, id, before } = withDamaged((d) => writeFileSync(join(d, "model", "model.json"), '{"modelTopology": '));
    const message = expectUserError(await predict("--run", runDir));
    expect(message).toMatch(new RegExp(`^error: Run ${id}: model/model.json is not valid JSON`));
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names the run and trees.json when a tree model's file is not JSON", async () => {
    const { runs, runDir, id, before } = withDamaged((d) => writeFileSync(join(d, "model", "trees.json"), "[1, 2"), gbdt);
    const message = expectUserError(await predict("--run", runDir));
    expect(message).toMatch(new RegExp(`^error: Run ${id}: model/trees.json is not valid JSON`));
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names run.json when its stored params are not the model's", async () => {
    const { runs, runDir, id, before } = withDamaged((d) => {
      const record = JSON.parse(readFileSync(join(d, "run.json"), "utf8"));
      writeFileSync(join(d, "run.json"), JSON.stringify({ ...record, config: { ...record.config, params: { hidden: "wide" } } }));
    });
    const message = expectUserError(await predict("--run", runDir));
    expect(message).toMatch(new RegExp(`^error: Run ${id}: run.json's config.params are not valid neural:mlp settings`));
    expect(message).toContain("hidden");
    expect(treeDigest(runs)).toEqual(before);
  });

  it("names run.json when it is not JSON", async () => {
    const { runs, id, before } = withDamaged((d) => writeFileSync(join(d, "run.json"), "{ truncated"));
    const message = expectUserError(await predict("--runs", runs, "--run", id));
    expect(message).toMatch(new RegExp(`^error: Run ${id}: run.json is not valid JSON`));
    expect(treeDigest(runs)).toEqual(before);
  });
});

describe("mf predict and mf evaluate on a run that did not finish", () => {
  /** A copy of the mlp run marked `status`, with its metrics.jsonl and best epoch as training left them. */
  const unfinished = (status: string, extra: Record<string, unknown> = {}) =>
    withDamaged((d) => {
      const record = JSON.parse(readFileSync(join(d, "run.json"), "utf8"));
      writeFileSync(join(d, "run.json"), JSON.stringify({ ...record, status, ...extra }, null, 2));
    });

  it.each([
    [
      "failed",
      { error: "out of memory" },
      /is failed \(out of memory\), not finished: its saved model is the checkpoint of epoch \d+ \(the best validation loss by then/,
    ],
    [
      "stopped",
      { stop_reason: "aborted" },
      /is stopped \(aborted\), not finished: its saved model is the one saved when it ended, with the best epoch's weights \(epoch \d of 2\)/,
    ],
    [
      "running",
      { stop_reason: undefined, epochs_run: undefined, best_epoch: undefined },
      /is running, not finished: its saved model is the checkpoint of epoch \d+/,
    ],
  ])("refuses a %s run, naming its status and checkpoint, unless --allow-unfinished", async (status, extra, says) => {
    const { runs, runDir, id, before } = unfinished(status, extra);
    const refused = await predict("--run", runDir);
    const message = expectUserError(refused);
    expect(message).toContain(`Run ${id} is ${status}`);
    expect(message).toMatch(says);
    expect(message).toContain("--allow-unfinished");
    expect(treeDigest(runs)).toEqual(before);

    const out = join(dir, `unfinished-${status}.parquet`);
    const r = await mf([
      "predict",
      "--backend",
      "cpu",
      "--run",
      runDir,
      "--input",
      join(good.data, "test.parquet"),
      "--out",
      out,
      "--allow-unfinished",
      "--json",
    ]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^warning: run ${id} is ${status}.*: scoring with `, "m"));
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary).toMatchObject({ run_id: id, status, checkpoint_epoch: expect.any(Number) });
  });

  it("says a failed run that saved no checkpoint has no model to score with, even with --allow-unfinished", async () => {
    const { runs, runDir, id, before } = withDamaged((d) => {
      const record = JSON.parse(readFileSync(join(d, "run.json"), "utf8"));
      writeFileSync(join(d, "run.json"), JSON.stringify({ ...record, status: "failed", error: "killed in epoch 1" }));
      writeFileSync(join(d, "metrics.jsonl"), "");
      rmSync(join(d, "model"), { recursive: true });
    });
    for (const allow of [[], ["--allow-unfinished"]]) {
      const message = expectUserError(await predict("--run", runDir, ...allow));
      expect(message).toBe(
        `error: Run ${id} is failed (killed in epoch 1), not finished, and it saved no checkpoint (0 epoch(s) ran): there is no model to score with`,
      );
    }
    expect(treeDigest(runs)).toEqual(before);
  });

  it("mf evaluate refuses an unfinished run the same way", async () => {
    const { runs, runDir, id, before } = unfinished("failed", { error: "device lost" });
    const r = await mf(["evaluate", "--backend", "cpu", "--run", runDir, "--test", join(good.data, "test.parquet")]);
    expect(expectUserError(r)).toMatch(new RegExp(`Run ${id} is failed \\(device lost\\), not finished: .*--allow-unfinished`));
    expect(treeDigest(runs)).toEqual(before);
  });
});
