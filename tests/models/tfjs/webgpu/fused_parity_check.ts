// Run by the fused kernels' tests under Deno (`deno run -A ... <check>`), whose WebGPU runs on Mesa's lavapipe: Node
// (vitest) has none. Prints the named check's cases as one JSON line for the test to judge.
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import type { GpuLike } from "../../../../core/platform.ts";
import { dropoutParity, recurrentParity, softmaxCeParity, stepParity } from "./fused_parity.ts";

const checks = {
  softmax_ce: softmaxCeParity,
  dropout: dropoutParity,
  step: stepParity,
  lstm: () => recurrentParity("lstm"),
  gru: () => recurrentParity("gru"),
};
// Deno's global read through globalThis: tsconfig.json, which checks the tests, has no Deno types
const name = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args[0] as keyof typeof checks;
if (!(name in checks)) throw new TypeError(`fused_parity_check.ts: unknown check "${name}"; expected one of ${Object.keys(checks).join(", ")}`);
await selectBackend("webgpu", { gpu: (navigator as unknown as { gpu: GpuLike }).gpu });
console.log(JSON.stringify(await checks[name]()));
