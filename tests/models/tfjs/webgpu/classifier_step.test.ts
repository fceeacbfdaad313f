/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// The fused loss kernels (models/tfjs/webgpu/softmax_ce_kernels.ts, classifier_step.ts) on lavapipe under Deno.
let ce: ParityCase[], step: ParityCase[];
const run = fusedParity();
beforeAll(async () => {
  ce = await run.check("softmax_ce");
  step = await run.check("step");
}, 120_000);
afterAll(() => run.dispose());

describe("fused softmax cross-entropy on lavapipe (under Deno)", () => {
  it("loss, hits and the gradient of the mean loss equal tfjs's within 1e-4 (batch 1 and 37, with and without class weights), in 2 dispatches", () => {
    expect(ce.map((c) => c.name)).toEqual([
      "softmax ce, batch 1",
      "softmax ce, batch 1, class weights",
      "softmax ce, batch 37",
      "softmax ce, batch 37, class weights",
    ]);
    for (const c of ce) {
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
      expect(c.dispatches, c.name).toBe(2);
    }
  });

  it("a few LSTM and GRU training steps end within 1e-4 of the same steps with the fused kernels off, in far fewer dispatches", () => {
    expect(step.map((c) => c.name)).toEqual(["lstm steps, flag on vs off", "gru 2 layers, mean head, class weights steps, flag on vs off"]);
    for (const c of step) {
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
      expect(c.dispatches!, c.name).toBeLessThan(c.unfusedDispatches! / 4);
    }
  });
});
