import { describe, expect, it } from "vitest";
import type { GpuLike } from "../../core/platform.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import { adamParity } from "../models/tfjs/webgpu/adam_parity.ts";

// The fused Adam in real headless Chromium on its software WebGPU adapter (SwiftShader); lavapipe: tests/models/tfjs/webgpu/adam.test.ts.
describe("WebGpuAdam on SwiftShader", () => {
  it("after 30 steps every weight equals tf.train.adam's within 1e-4 relative, in one dispatch per group of parameters the device's bindings allow", async () => {
    await selectBackend("webgpu", { gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu });
    const report = await adamParity();
    expect(report.parameters).toBe(5);
    for (const [k, share] of report.moved.entries()) expect(share, `weight ${k} moved`).toBeGreaterThan(0.9);
    for (const [k, worst] of report.worst_relative.entries()) expect(worst, `weight ${k}`).toBeLessThan(1e-4);
    expect(report.per_dispatch).toBeGreaterThanOrEqual(2);
    expect(report.update_dispatches.fused).toBe(Math.ceil(5 / report.per_dispatch));
    expect(report.update_dispatches.adam).toBeGreaterThanOrEqual(10 * 5);
    expect(report.leaked_tensors).toBe(0);
  });
});
