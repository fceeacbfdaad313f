/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";
import { INTERPOLATE_CASES, interpolateName } from "./interpolate_parity.ts";

// N-HiTS' Interpolate on webgpu (models/nhits/interpolate.ts: one broadcast product) on lavapipe under Deno (interpolate_parity.ts).
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("interpolate")), 240_000);
afterAll(() => run.dispose());

describe("N-HiTS' interpolation without transposes on lavapipe (under Deno)", () => {
  it("output and dx equal the transposes-and-product path's within 1e-4 (batch 1, 37; channels 7, 32; 1 to 30 knots; 1, 12, 16, 60 steps)", () => {
    for (const c of INTERPOLATE_CASES) {
      const k = cases.find((k) => k.name === interpolateName(c))!;
      expect(k, interpolateName(c)).toBeDefined();
      expect(Object.keys(k.errors)).toEqual(["output", "dx"]);
      for (const [what, e] of Object.entries(k.errors)) expect(e, `${k.name}: ${what}`).toBeLessThan(1e-4);
    }
  });

  it("a training call takes two dispatches (one product each way) where the transposes made it six", () => {
    for (const c of INTERPOLATE_CASES.map(interpolateName)) {
      const k = cases.find((k) => k.name === c)!;
      expect(k.dispatches, c).toBe(2);
      expect(k.unfusedDispatches, c).toBe(6);
    }
  });

  it("N-HiTS's training steps end with the same losses flag on and off (within 1e-4), in fewer dispatches", () => {
    for (const name of ["nhits steps, flag on vs off", "nhits window 60 steps, flag on vs off"]) {
      const step = cases.find((c) => c.name === name)!;
      for (const [what, e] of Object.entries(step.errors)) expect(e, `${name}: ${what}`).toBeLessThan(1e-4);
      expect(step.dispatches!, name).toBeLessThan(step.unfusedDispatches!);
    }
  });
});
