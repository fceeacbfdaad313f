/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// tfjs's webgpu Sum, Mean and Transpose as replaced by models/tfjs/webgpu/kernel_patches.ts, on lavapipe under Deno.
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("kernel_patches")), 240_000);
afterAll(() => run.dispose());
const of = (prefix: string) => cases.filter((c) => c.name.startsWith(prefix));

describe("webgpu kernel patches on lavapipe (under Deno)", () => {
  it("every result equals tfjs's own kernel's within 1e-6 relative", () => {
    const ops = cases.filter((c) => !c.name.endsWith("steps, flag on vs off") && !c.name.includes("gradient"));
    expect(ops).toHaveLength(15);
    for (const c of ops) expect(c.errors.output, c.name).toBeLessThan(1e-6);
  });

  it("the relu and mean gradients give tfjs's values in one dispatch instead of two", () => {
    const grads = cases.filter((c) => c.name.includes("gradient"));
    expect(grads).toHaveLength(5);
    for (const c of grads) {
      expect(c.errors.dx, c.name).toBe(0);
      expect(c.unfusedDispatches! - c.dispatches!, c.name).toBeGreaterThanOrEqual(1);
    }
    // the mean's tfjs gradient is a Multiply and a RealDiv beside its forward's transpose and reduce: 4 against 2
    expect(cases.find((c) => c.name === "mean gradient 16x60x32 over 1")).toMatchObject({ dispatches: 2, unfusedDispatches: 4 });
  });

  it("every network's training steps end with the same losses flag on and off (within 1e-5), in fewer dispatches", () => {
    const steps = cases.filter((c) => c.name.endsWith("steps, flag on vs off"));
    expect(steps).toHaveLength(14);
    for (const c of steps) {
      for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-5);
      expect(c.dispatches!, c.name).toBeLessThan(c.unfusedDispatches!);
    }
  });

  it("a sum or mean over axes that are not innermost is one dispatch, not tfjs's transpose and reduce", () => {
    const blocks = [...of("sum "), ...of("mean ")].filter((c) => c.name !== "sum 37x17 over 1" && !c.name.includes("gradient"));
    expect(blocks).toHaveLength(11);
    for (const c of blocks) expect([c.dispatches, c.unfusedDispatches], c.name).toEqual([1, 2]);
  });

  it("an innermost reduction and a real transpose are left to tfjs (the same dispatches)", () => {
    for (const name of ["sum 37x17 over 1", "transpose 37x60x17 over 1,0,2"]) {
      const c = cases.find((c) => c.name === name)!;
      expect(c.dispatches, name).toBe(c.unfusedDispatches);
    }
  });

  it("an identity transpose (a Dense layer's kernel on a 3-D input) dispatches nothing", () => {
    const c = cases.find((c) => c.name === "transpose 107x32 over 0,1")!;
    expect([c.dispatches, c.unfusedDispatches]).toEqual([0, 1]);
  });
});
