/// <reference types="node" />
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../../cli/helpers.ts";
import type { AdamParity } from "./adam_parity.ts";

// WebGPU exists under Deno (through Mesa's lavapipe), not under Node: adam_check.ts trains under Deno and
// reports back here as one JSON line.
const runtime = mkdtempSync(join(tmpdir(), "mf-adam-"));
let report: AdamParity;
beforeAll(async () => {
  const stdout = await new Promise<string>((done, fail) => {
    execFile(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "tests/models/tfjs/webgpu/adam_check.ts"], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: "1", XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtime },
    }, (error, out, err) => (error ? fail(new Error(`adam_check.ts failed: ${error.message}\n${err}`)) : done(out)));
  });
  report = JSON.parse(stdout.trim().split("\n").at(-1)!);
}, 90_000);
afterAll(() => rmSync(runtime, { recursive: true, force: true }));

describe("WebGpuAdam on lavapipe (under Deno)", () => {
  it("after 30 steps from the same seed every weight equals tf.train.adam's within 1e-4 relative", () => {
    expect(report.parameters).toBe(5);
    for (const [k, share] of report.moved.entries()) expect(share, `weight ${k} moved`).toBeGreaterThan(0.9);
    for (const [k, worst] of report.worst_relative.entries()) expect(worst, `weight ${k}`).toBeLessThan(1e-4);
  });

  it("updates the parameters in one dispatch per group the device's bindings allow, where tf.train.adam takes over a dozen each, and keeps no tensors", () => {
    expect(report.per_dispatch).toBeGreaterThanOrEqual(2); // WebGPU's default limit of 8 storage buffers holds 2 parameters' 4 each
    expect(report.update_dispatches.fused).toBe(Math.ceil(5 / report.per_dispatch));
    expect(report.update_dispatches.adam).toBeGreaterThanOrEqual(10 * 5);
    expect(report.leaked_tensors).toBe(0);
  });
});
