/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// The fused GRU recurrence (models/tfjs/webgpu/gru_fused.ts, gru_kernels.ts) on lavapipe under Deno; SwiftShader: tests/browser/recurrent_webgpu.test.ts.
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("gru_long")), 250_000);
afterAll(() => run.dispose());

describe("fused GRU on lavapipe (under Deno)", () => {
  it("output and gradients equal the unfused op's within 1e-4: the op's form, and the layer's (bias in the kernel, every step or the last)", () => {
    expect(cases).toHaveLength(27); // batch 1, 37 and 256, units 17, 64 and 128, window 1, 12, 60 and 200, two planned as on a GPU; three forms each
    for (const c of cases) {
      expect(Object.keys(c.errors).length, c.name).toBeGreaterThanOrEqual(3);
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
    }
  });
});
