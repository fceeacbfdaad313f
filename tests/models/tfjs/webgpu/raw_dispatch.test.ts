/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParityCase } from "./fused_parity.ts";
import { fusedParity } from "./fused_parity_run.ts";

// raw_dispatch.ts on lavapipe under Deno: a kernel the device rejects must not pass silently (it would run nothing and
// leave its outputs holding whatever the pooled buffers held).
let cases: ParityCase[];
const run = fusedParity();
beforeAll(async () => void (cases = await run.check("raw_dispatch")), 60_000);
afterAll(() => run.dispose());

describe("raw dispatches (lavapipe, under Deno)", () => {
  it("a kernel with invalid WGSL throws KernelRejected, naming it, once the device has rejected it", () => {
    expect(cases).toEqual([{ name: "invalid WGSL: the next call throws KernelRejected", errors: { not_rejected: 0 } }]);
  });
});
