/// <reference types="node" />
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastLine, mf, readRows, runJson, show, tempDir, writeSplits } from "./helpers.ts";

// Deno's WebGPU on Mesa's lavapipe (mesa-vulkan-drivers, installed by `npm run setup`): the same
// command as on a real GPU, `--backend webgpu`, with no code change.
const { dir, cleanup } = tempDir("webgpu");
afterAll(cleanup);

describe("mf train --backend webgpu under Deno", () => {
  it("trains on the WebGPU adapter, records it in run.json, and its model predicts", async () => {
    const data = join(dir, "data");
    mkdirSync(data);
    const paths = writeSplits(data);
    const runs = join(dir, "runs");
    const r = await mf(["train", "--data", data, "--model", "logistic", "--epochs", "3", "--batch-size", "64", "--backend", "webgpu", "--out", runs, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).not.toMatch(/XDG_RUNTIME_DIR/);
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary.backend).toBe("webgpu");
    const run = runJson(summary.run_dir);
    expect(run.backend).toMatchObject({ name: "webgpu", requested: "webgpu" });
    expect(run.backend.adapter).toMatch(/\w+/);
    expect(summary.test.f1_macro).toBeGreaterThan(0.34);

    const out = join(dir, "pred.parquet");
    const p = await mf(["predict", "--run", summary.run_dir, "--input", paths.test, "--out", out, "--backend", "webgpu", "--json"]);
    expect(p.code, show(p)).toBe(0);
    const rows = await readRows(out);
    expect(rows.length).toBe(JSON.parse(lastLine(p.stdout)).rows);
    for (const row of rows.slice(0, 50)) expect(Number(row.prob_short) + Number(row.prob_neutral) + Number(row.prob_long)).toBeCloseTo(1, 5);
  });
});
