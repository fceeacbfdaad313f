/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONV_CASES, convName } from "./causal_conv_parity.ts";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// TCN's fused causal convolution (models/tfjs/webgpu/causal_conv_fused.ts) on lavapipe under Deno (causal_conv_parity.ts).
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("causal_conv")), 240_000);
afterAll(() => run.dispose());

describe("fused causal convolution on lavapipe (under Deno)", () => {
  it("output, dx, dkernel and dbias equal the tfjs pad/slice/concat path's within 1e-4 (batch 1, 37; channels 7, 32; kernel 1-3; dilation 1, 4, 16; window 1, 12, 60)", () => {
    const layers = CONV_CASES.map((c) => cases.find((k) => k.name === convName(c))!);
    for (const [i, c] of layers.entries()) {
      expect(c, convName(CONV_CASES[i])).toBeDefined();
      expect(Object.keys(c.errors)).toEqual(["output", "dx", "dkernel", "dbias"]);
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
    }
  });

  it("a training call of a dilated convolution takes at most 8 dispatches (one gather each way, one fused product), far fewer than unfused", () => {
    for (const c of CONV_CASES.filter((c) => c[4] > 1).map(convName)) {
      const k = cases.find((k) => k.name === c)!;
      expect(k.dispatches!, c).toBeLessThanOrEqual(8);
      expect(k.unfusedDispatches! - k.dispatches!, c).toBeGreaterThanOrEqual(8);
    }
  });

  it("taps past the device's storage binding take the tfjs path (the layer says why; the check throws otherwise) with the same values", () => {
    const fell = cases.find((c) => c.name.endsWith("past a 1000-byte binding"))!;
    expect(fell.errors).toEqual({ output: 0, dx: 0, dkernel: 0, dbias: 0 });
    expect(fell.dispatches!).toBeGreaterThan(15);
  });

  it("a TCN's training steps end with the same losses flag on and off (within 1e-4), every convolution fused, in fewer dispatches", () => {
    for (const name of ["tcn steps, flag on vs off", "tcn window 60 steps, flag on vs off"]) {
      const step = cases.find((c) => c.name === name)!;
      for (const [what, e] of Object.entries(step.errors)) expect(e, `${name}: ${what}`).toBeLessThan(1e-4);
      expect(step.dispatches!, name).toBeLessThan(step.unfusedDispatches!);
    }
  });
});
