import { beforeAll, describe, expect, it } from "vitest";
import type { GpuLike } from "../../core/platform.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import { dropoutParity, type ParityCase, recurrentParity, softmaxCeParity, stepParity } from "../models/tfjs/webgpu/fused_parity.ts";

// The fused training-step kernels in real headless Chromium on SwiftShader (lavapipe: tests/models/tfjs/webgpu/): the same
// checks, every output and gradient within 1e-4 of the unfused computation.
const expectClose = (cases: ParityCase[]) => {
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
};

describe("fused training-step kernels on SwiftShader", () => {
  beforeAll(async () => {
    await selectBackend("webgpu", { gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu });
  });

  it("softmax cross-entropy: loss, hits and dlogits (batch 1 and 37, with and without class weights) in 2 dispatches", async () => {
    const cases = await softmaxCeParity();
    expectClose(cases);
    for (const c of cases) expect(c.dispatches, c.name).toBe(2);
  });

  it("dropout: tf.dropout's values and gradient", async () => expectClose(await dropoutParity()));

  // the short sweep: every plan the default sweep has, at 12 steps at most, in the layers' forms (the op form:
  // recurrent_webgpu.test.ts; lavapipe runs the default and long sweeps, all three forms)
  it("LSTM and GRU layer forms (bias in the kernel, last step)", async () => {
    expectClose(await recurrentParity("lstm", "short"));
    expectClose(await recurrentParity("gru", "short"));
  });

  it("LSTM and 2-layer GRU training steps, fused kernels on vs off", async () => {
    const cases = await stepParity();
    expectClose(cases);
    for (const c of cases) expect(c.dispatches!, c.name).toBeLessThan(c.unfusedDispatches! / 4);
  });
});
