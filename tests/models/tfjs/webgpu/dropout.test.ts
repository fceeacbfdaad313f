/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// The fused dropout (models/tfjs/webgpu/dropout.ts) on lavapipe under Deno.
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("dropout")), 60_000);
afterAll(() => run.dispose());

describe("fused dropout on lavapipe (under Deno)", () => {
  it("values and gradient equal tf.dropout's with the same seed within 1e-4 (1x17, 37x64, 37x5x3)", () => {
    expect(cases.map((c) => c.name)).toEqual(["dropout 1x17", "dropout 37x64", "dropout 37x5x3"]);
    for (const c of cases) for (const [what, e] of Object.entries(c.errors)) expect(e, `${c.name}: ${what}`).toBeLessThan(1e-4);
  });
});
