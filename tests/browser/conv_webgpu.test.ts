import { beforeAll, describe, expect, it } from "vitest";
import type { GpuLike } from "../../core/platform.ts";
import { selectBackend } from "../../models/tfjs/backend.ts";
import type { ParityCase } from "../models/tfjs/webgpu/fused_parity.ts";
import { parity as causalConvParity } from "../models/tfjs/webgpu/causal_conv_parity.ts";
import { parity as interpolateParity } from "../models/tfjs/webgpu/interpolate_parity.ts";

// TCN's fused causal convolution and N-HiTS' interpolation in real headless Chromium on SwiftShader (lavapipe, with the
// networks' training steps: tests/models/tfjs/webgpu/causal_conv_fused.test.ts, interpolate_fused.test.ts).
const expectClose = (cases: ParityCase[]) => {
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
};

describe("fused causal convolution and interpolation on SwiftShader", () => {
  beforeAll(async () => {
    await selectBackend("webgpu", { gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu });
  });

  it(
    "causal convolution: output, dx, dkernel, dbias within 1e-4 of the unfused layer (batch 1 and 37, kernel 1-3, dilation 1-16), and its fallback",
    async () => {
      expectClose(await causalConvParity(false));
    },
    300_000,
  );

  it("interpolation: output and dx equal the unfused layer's", async () => expectClose(await interpolateParity(false)), 120_000);
});
