// deno-lint-ignore-file no-explicit-any -- parsed JSON of run files, read loosely by the tests
/// <reference types="node" />
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../cli/helpers.ts";

// Web Workers and WebGPU exist under Deno (WebGPU through Mesa's lavapipe), not under Node: the
// checks run in parallel_check.ts under Deno and report back here as one JSON line.
const runtime = mkdtempSync(join(tmpdir(), "mf-trees-"));
let report: Record<string, any>;
beforeAll(async () => {
  const stdout = await new Promise<string>((done, fail) => {
    execFile(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "tests/models/trees/parallel_check.ts"], {
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1", XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtime },
    }, (error, out, err) => (error ? fail(new Error(`parallel_check.ts failed: ${error.message}\n${err}`)) : done(out)));
  });
  report = JSON.parse(stdout.trim().split("\n").at(-1)!);
}, 150_000);
afterAll(() => rmSync(runtime, { recursive: true, force: true }));

describe("tree histograms in Web Workers and on WebGPU (under Deno)", () => {
  it("engines in workers give exactly the histograms and trees of one engine in this thread", () => {
    for (const key of ["workers_c2", "workers_c4"]) {
      expect(report[key]).toMatchObject({ kind: "cpu x3 threads", same_root_candidate: true, same_tree: true });
      expect(report[key].nodes).toBeGreaterThan(50);
    }
  });

  it("a GBDT fit with workers saves the same trees as one without, and the workers end (the process exits)", () => {
    expect(report.gbdt_workers_identical).toBe(true);
    // Oblivious trees with ordered boosting, and GOSS (the three trees of a round share one sample) too.
    expect(report.styles_workers_identical).toEqual({ oblivious_ordered: true, goss: true });
  });

  it("the WGSL kernel's histograms agree with the CPU's within float32 rounding", () => {
    expect(report.webgpu.skipped, "no WebGPU adapter: install mesa-vulkan-drivers (npm run setup)").toBeUndefined();
    const checks = report.webgpu.checks as { worst_relative_error: number; nonzero: number; batches_agree?: number }[];
    expect(checks.filter((c) => c.batches_agree !== undefined).map((c) => c.batches_agree)).toEqual([1, 1]); // jobs split across submissions
    expect(checks.length).toBe(16);
    for (const c of checks.filter((c) => c.batches_agree === undefined)) {
      expect(c.nonzero).toBeGreaterThan(0);
      expect(c.worst_relative_error).toBeLessThan(1e-5); // relative to the bin's sum of |statistics|
    }
  });

  it("a GBDT fit on tfjs's WebGPU device predicts like the CPU fit (near-tied splits may go either way)", () => {
    expect(report.webgpu.gbdt_fit.kind).toBe("webgpu");
    expect(report.webgpu.gbdt_fit.mean_probability_difference).toBeLessThan(0.02);
    expect(report.webgpu.gbdt_fit.same_class).toBeGreaterThan(0.9);
    for (const style of ["oblivious_ordered", "goss"]) {
      expect(report.webgpu.style_fits[style].kind, style).toBe("webgpu");
      expect(report.webgpu.style_fits[style].mean_probability_difference, style).toBeLessThan(0.02);
      expect(report.webgpu.style_fits[style].same_class, style).toBeGreaterThan(0.9);
    }
  });
});
