import { describe, expect, it } from "vitest";
import { maxRows, perInvocation } from "../../../../models/tfjs/webgpu/recurrent_plan.ts";

// The fused recurrences' shape of work by device (models/tfjs/webgpu/recurrent_plan.ts): a GPU keeps one unit an
// invocation and 8 rows a workgroup; an adapter that runs on the CPU takes more of each where the shape allows.
describe("recurrent plan", () => {
  it("a GPU runs one unit an invocation; a CPU adapter 4 (or 2) while 16 invocations remain and the units divide", () => {
    expect(perInvocation(64, false)).toBe(1);
    expect(perInvocation(64, true)).toBe(4);
    expect(perInvocation(128, true)).toBe(4);
    expect(perInvocation(32, true)).toBe(2); // 4 would leave 8 invocations
    expect(perInvocation(36, true)).toBe(2);
    expect(perInvocation(17, true)).toBe(1);
    expect(perInvocation(16, true)).toBe(1);
  });

  it("a GPU runs 8 rows a workgroup; a CPU adapter 16 once the batch leaves 16 workgroups of them", () => {
    expect(maxRows(256, false)).toBe(8);
    expect(maxRows(4096, false)).toBe(8);
    expect(maxRows(256, true)).toBe(16);
    expect(maxRows(255, true)).toBe(8);
    expect(maxRows(16, true)).toBe(8);
  });
});
