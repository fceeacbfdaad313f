import { beforeAll, describe, expect, it } from "vitest";
import type { GpuLike } from "../../core/platform.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import type { ParityCase } from "../models/tfjs/webgpu/fused_parity.ts";
import { layerParity, opParity } from "../models/tfjs/webgpu/attention_parity.ts";
import { parity as patchingParity } from "../models/tfjs/webgpu/patching_parity.ts";

// The fused attention and PatchTST's fused patching in real headless Chromium on SwiftShader (lavapipe:
// tests/models/tfjs/webgpu/attention_fused.test.ts, patching_fused.test.ts): the same checks.
const expectClose = (cases: ParityCase[]) => {
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
};

describe("fused attention and patching on SwiftShader", () => {
  beforeAll(async () => {
    await selectBackend("webgpu", { gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu });
  });

  // whole transformer and PatchTST steps on vs off run on lavapipe only (minutes here); tests/browser/parity.test.ts holds
  // their first step on SwiftShader to the cpu backend's
  // the short sweep: lavapipe also runs 37 sequences of 200 steps, and of width 128 at 60
  it("attention: output and d(qkv) within 1e-4 of the unfused op (batch 1 and 37, heads 1-4, T up to 200, causal), the layer on vs off", async () => {
    expectClose(await opParity("short"));
    expectClose(await layerParity());
  }, 300_000);

  it("patching: the patches and their gradient equal the unfused layer's", async () => {
    expectClose(await patchingParity());
  }, 120_000);
});
