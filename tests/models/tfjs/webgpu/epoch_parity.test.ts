/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// Issue 15: a whole LSTM epoch on webgpu (fused kernels, lavapipe under Deno) ends within 1e-3 of the cpu backend's loss.
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("epoch")), 120_000);
afterAll(() => run.dispose());

describe("a whole epoch on webgpu with the fused kernels against the cpu backend (lavapipe, under Deno)", () => {
  it("LSTM(64) and a 2-layer GRU(64): train and validation losses from the same seed agree within 1e-3", () => {
    expect(cases.map((c) => c.name)).toEqual(["lstm(64), one epoch, webgpu fused vs cpu", "gru(64), 2 layers, mean head, one epoch, webgpu fused vs cpu"]);
    for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-3);
  });
});
