/// <reference types="node" />
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../../cli/helpers.ts";
import { plugins } from "../../../../models/index.ts";
import budgetFile from "../../../../models/tfjs/webgpu/dispatch_budgets.json" with { type: "json" };

// Each network's WebGPU dispatches per training step, counted by bench/dispatches.ts under Deno on lavapipe (Node has
// no WebGPU), must stay within models/tfjs/webgpu/dispatch_budgets.json, so a change that adds kernels to a step is
// seen. Small shapes keep it cheap: the kernels of a step barely depend on the batch (checked below): tfjs picks some
// by size (a small gather runs on the CPU, a product's variant), a few dispatches either way.
type Counts = Record<string, { fused: { dispatches_per_step: number } }>;
const dir = mkdtempSync(join(tmpdir(), "mf-dispatch-"));
const { batch, window, features } = budgetFile.shape;
const budgets: Record<string, number> = budgetFile.budgets;

function bench(args: string[]): Promise<Counts> {
  return new Promise((done, fail) => {
    execFile(join(ROOT, "node_modules", ".bin", "deno"), [
      "run",
      "-A",
      "bench/dispatches.ts",
      "--modes",
      "fused",
      "--out",
      dir,
      "--window",
      `${window}`,
      "--features",
      `${features}`,
      ...args,
    ], {
      cwd: ROOT,
      timeout: 180_000,
      env: { ...process.env, NO_COLOR: "1", XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? dir },
    }, (error, _out, err) => {
      if (error) return fail(new Error(`bench/dispatches.ts failed: ${error.message}\n${err}`));
      const name = args[args.indexOf("--name") + 1];
      done(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")));
    });
  });
}

let counts: Counts, larger: Counts;
beforeAll(async () => {
  counts = await bench(["--batch", `${batch}`, "--models", Object.keys(budgets).join(","), "--name", "budget"]);
  larger = await bench(["--batch", `${batch * 3}`, "--models", "logistic,lstm", "--name", "larger"]);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("WebGPU dispatches per training step (lavapipe, under Deno)", () => {
  it("every tfjs network has a budget", () => {
    const trees = new Set(["gbdt", "forest", "svm"]); // not tfjs networks: they dispatch nothing per step
    expect(Object.keys(budgets).sort()).toEqual(plugins.map((p) => p.name).filter((n) => !trees.has(n)).sort());
  });

  it("no model's step dispatches more kernels than its budget", () => {
    const over = Object.entries(budgets).filter(([name, budget]) => !(counts[name]?.fused.dispatches_per_step <= budget));
    expect(over.map(([name, budget]) => `${name}: ${counts[name]?.fused.dispatches_per_step} > ${budget}`)).toEqual([]);
  });

  // 5% or 2 dispatches, whichever is more: with the fused step a small network's step is ~10 dispatches, and tfjs running
  // one small op on the CPU at batch 4 (WEBGPU_CPU_FORWARD) but not at 12 is one dispatch, 10%
  it("a step's kernels barely depend on the batch size (within 5% or 2 dispatches)", () => {
    for (const name of ["logistic", "lstm"]) {
      const [small, large] = [counts[name].fused.dispatches_per_step, larger[name].fused.dispatches_per_step];
      expect(Math.abs(large - small), `${name}: ${small} at batch ${batch}, ${large} at batch ${batch * 3}`).toBeLessThanOrEqual(Math.max(2, 0.05 * small));
    }
  });
});
