/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// The fused attention (models/tfjs/webgpu/attention_fused.ts) on lavapipe under Deno (attention_parity.ts).
let cases: (ParityCase & { kernels?: string })[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("attention")), 240_000);
afterAll(() => run.dispose());

const named = (prefix: string) => cases.filter((c) => c.name.startsWith(prefix));

describe("fused attention on lavapipe (under Deno)", () => {
  it("the op's output and d qkv are within 1e-4 of the unfused tfjs computation, with and without the causal mask", () => {
    const ops = named("op ");
    expect(ops.length).toBe(14);
    expect(ops.filter((c) => c.name.endsWith("causal")).length).toBe(3);
    for (const c of ops) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
  });

  it("takes one dispatch forward and one backward where the unfused computation takes ~30", () => {
    // the counted computation is the op, the weighting and the sum, forward and back: 4 of the 6 dispatches are those
    for (const c of named("op ").filter((c) => c.name.includes("T=60"))) {
      expect(c.dispatches, c.name).toBeLessThanOrEqual(6);
      expect(c.unfusedDispatches, c.name).toBeGreaterThan(25);
    }
  });

  it("the layer's output, dx and weight gradients with the flag on are within 1e-4 of the flag off; a head too wide falls back", () => {
    const layers = named("layer ");
    expect(layers.map((c) => c.name)).toEqual([
      "layer 1x14x16 heads=2: fused",
      "layer 37x60x32 heads=4: fused",
      "layer 3x5x14x16 heads=2: fused",
      "layer 2x3x516 heads=2: unfused (head width 258 exceeds 256)",
    ]);
    for (const c of layers) {
      expect(Object.keys(c.errors)).toEqual(["output", "dx", "dqkv_kernel", "dqkv_bias", "dout_kernel", "dout_bias"]);
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
    }
  });

  it("transformer and PatchTST training steps agree with the flag on and off, and say their attention ran fused", () => {
    for (const model of ["transformer", "patchtst"]) {
      const [c] = named(`${model} steps`);
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
      expect(c.kernels).toMatch(/multi_head_attention\w*: fused/);
      expect(c.dispatches!).toBeLessThan(c.unfusedDispatches! / 2);
    }
  });
});
