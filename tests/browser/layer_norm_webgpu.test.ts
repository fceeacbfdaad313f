import { beforeAll, describe, expect, it } from "vitest";
import type { GpuLike } from "../../core/platform.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import type { ParityCase } from "../models/tfjs/webgpu/fused_parity.ts";
import { parity as layerNormParity } from "../models/tfjs/webgpu/layer_norm_parity.ts";
import { opsParity } from "../models/tfjs/webgpu/kernel_patches_parity.ts";

// The fused LayerNorm and the webgpu kernel and gradient patches in real headless Chromium on SwiftShader (lavapipe:
// tests/models/tfjs/webgpu/layer_norm_fused.test.ts, kernel_patches.test.ts): the same checks, which also throw on any
// WebGPU error the device reports.
const expectClose = (cases: ParityCase[], tolerance: number) => {
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(tolerance);
};

describe("fused LayerNorm and webgpu kernel patches on SwiftShader", () => {
  beforeAll(async () => {
    await selectBackend("webgpu", { gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu });
  });

  // the short sweep (lavapipe runs lengths 60 and 200 throughout)
  it("LayerNorm: output, dx, dgamma, dbeta within 1e-4 of the unfused layer; a transformer's steps on vs off", async () => {
    expectClose(await layerNormParity("short"), 1e-4);
  }, 300_000);

  // every network's steps on vs off take ~2 minutes here; they run on lavapipe (kernel_patches.test.ts)
  it("Sum, Mean, Transpose and the Relu and Mean gradients within 1e-6 of tfjs's own kernels", async () => {
    expectClose(await opsParity(), 1e-6);
  }, 120_000);
});
