/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// The fused input projection of the LSTM and GRU layers (models/tfjs/webgpu/recurrent_projection.ts) on lavapipe under
// Deno, against tfjs's transpose and product (recurrent_projection_parity.ts).
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("recurrent_projection")), 240_000);
afterAll(() => run.dispose());

describe("fused time-major input projection on lavapipe (under Deno)", () => {
  it("x W, dx and dW equal tfjs's transpose and product within 1e-4 (batch 1 and 37, window 1 to 200, widths 51 to 512)", () => {
    expect(cases).toHaveLength(5);
    for (const c of cases) {
      expect(Object.keys(c.errors), c.name).toEqual(["output", "dx", "dw"]);
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
    }
  });

  it("the forward is one dispatch, with no transpose of the window", () => {
    for (const c of cases) expect(c.dispatches, c.name).toBe(1);
  });
});
