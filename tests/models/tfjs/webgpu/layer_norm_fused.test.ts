/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// The fused LayerNorm (models/tfjs/webgpu/layer_norm_fused.ts) on lavapipe under Deno, against the layer's unfused path.
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("layer_norm")), 240_000);
afterAll(() => run.dispose());

describe("fused LayerNorm on lavapipe (under Deno)", () => {
  it("output, dx, dgamma and dbeta equal the unfused layer's within 1e-4 (batch 1 and 37, widths 17, 64, 128, lengths 1, 60, 200)", () => {
    const norms = cases.filter((c) => c.name.startsWith("layer norm") && c.name !== "layer norm 3x2x2049");
    expect(norms).toHaveLength(18);
    for (const c of norms) {
      expect(Object.keys(c.errors)).toEqual(["output", "dx", "dgamma", "dbeta"]);
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
    }
  });

  it("a training call takes three dispatches fused (one forward, two backward), far fewer than unfused", () => {
    for (const c of cases.filter((c) => c.name.startsWith("layer norm") && c.name !== "layer norm 3x2x2049")) {
      expect(c.dispatches, c.name).toBe(3);
      expect(c.unfusedDispatches!, c.name).toBeGreaterThan(20);
    }
  });

  it("a row wider than 2048 takes the unfused path (the layer says why; the parity check throws otherwise), with its dispatches", () => {
    const wide = cases.find((c) => c.name === "layer norm 3x2x2049")!;
    expect(wide.errors).toEqual({ output: 0, dx: 0, dgamma: 0, dbeta: 0 });
    expect(wide.dispatches).toBe(wide.unfusedDispatches);
  });

  it("a transformer's training steps end with the same losses flag on and off (within 1e-4), in fewer dispatches", () => {
    const step = cases.find((c) => c.name === "transformer steps, flag on vs off")!;
    for (const [what, e] of Object.entries(step.errors)) expect(e, what).toBeLessThan(1e-4);
    expect(step.dispatches!).toBeLessThan(step.unfusedDispatches!);
  });
});
