/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// PatchTST's fused patching (models/tfjs/webgpu/patching_fused.ts) on lavapipe under Deno (patching_parity.ts).
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("patching")), 120_000);
afterAll(() => run.dispose());

describe("fused patching on lavapipe (under Deno)", () => {
  it("patches and dx equal the tfjs slices' with the flag off (overlapping, untiled, stride = patch, gaps, one patch)", () => {
    expect(cases.length).toBe(6);
    for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-6);
  });

  it("takes one dispatch each way: 6 with the weighting and its sum, where 14 overlapping patches took 64", () => {
    const [issue] = cases.filter((c) => c.name === "patching 37x60x107 patch 8 stride 4");
    expect(issue.dispatches).toBeLessThanOrEqual(6);
    expect(issue.unfusedDispatches).toBeGreaterThan(30);
  });
});
