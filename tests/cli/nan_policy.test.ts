/// <reference types="node" />
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SynthSplits } from "../../core/data/synth.ts";
import { copyFolder, expectUserError, trainGoodRuns, treeDigest } from "./good_runs.ts";
import { column, lastLine, mf, quick, runJson, show, tempDir, tinySplits, writeSplits } from "./helpers.ts";

// nan_policy ffill on a feature that is NaN in every row warns naming it; nan_policy drop that removes every row
// names the column that emptied the file. The stored runs are left as they are.
const { dir, cleanup } = tempDir("nan");
afterAll(cleanup);
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
beforeAll(async () => {
  good = await trainGoodRuns(dir);
});

let counter = 0;
/** Splits whose f_003 is all NaN in the named splits, and a config file with the policy. */
function dataset(policy: "ffill" | "drop", nanIn: (keyof SynthSplits)[]) {
  const root = join(dir, `case-${++counter}`);
  const data = join(root, "data");
  mkdirSync(data, { recursive: true });
  const splits = tinySplits();
  for (const split of nanIn) {
    const c = column(splits[split].columns, "f_003");
    c.data = new Float32Array(splits[split].rows).fill(NaN);
  }
  const paths = writeSplits(data, splits);
  const config = join(root, `${policy}.json`);
  writeFileSync(config, JSON.stringify({ dataset: { nan_policy: policy } }));
  return { root, data, paths, config };
}

describe("nan_policy says what it did", () => {
  it("ffill warns naming a feature that is NaN in every row of a file, and trains", async () => {
    const { data, paths, config } = dataset("ffill", ["train"]);
    const runs = copyFolder(good.runs, join(dir, `runs-${counter}`));
    const r = await mf(["train", "--data", data, "--model", "logistic", "--config", config, "--json", ...quick(runs)]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: Feature "f_003" in ${paths.train} has no finite value in any of its \\d+ rows; nan_policy "ffill" fills it with 0 throughout$`,
        "m",
      ),
    );
    expect(r.stderr.split("\n").filter((l) => l.startsWith("warning:"))).toHaveLength(1); // val and test have values
    expect(runJson(JSON.parse(lastLine(r.stdout)).run_dir).status).toBe("finished");
    // predicting a file whose f_003 is all NaN with that ffill run warns the same way
    const test = dataset("ffill", ["test"]);
    const p = await mf([
      "predict",
      "--backend",
      "cpu",
      "--run",
      JSON.parse(lastLine(r.stdout)).run_dir,
      "--input",
      test.paths.test,
      "--out",
      join(dir, "p.parquet"),
    ]);
    expect(p.code, show(p)).toBe(0);
    expect(p.stderr).toMatch(new RegExp(`^warning: Feature "f_003" in ${test.paths.test} has no finite value in any of its`, "m"));
  });

  it("drop that empties a file is one error naming the file and the column, and no run is left behind", async () => {
    const { data, paths, config } = dataset("drop", ["val"]);
    const runs = copyFolder(good.runs, join(dir, `runs-${counter}`));
    const before = treeDigest(runs);
    const r = await mf(["train", "--data", data, "--model", "logistic", "--config", config, ...quick(runs)]);
    const message = expectUserError(r);
    expect(message).toBe(
      `error: nan_policy "drop" removed every row of ${paths.val} (${tinySplits().val.rows}): each has a NaN or infinite feature; most in "f_003" (every row). Fix or leave out those columns (dataset.feature_columns), or use nan_policy "ffill"`,
    );
    expect(message).not.toMatch(/no samples/);
    expect(treeDigest(runs)).toEqual(before);
  });
});
