// Run by the fused kernels' tests under Deno (`deno run -A ... <check>`), whose WebGPU runs on Mesa's lavapipe: Node
// (vitest) has none. Prints the named check's cases as one JSON line for the test to judge.
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import type { GpuLike } from "../../../../core/platform.ts";
import { failOnGpuErrors } from "./parity_helpers.ts";
import { dropoutParity, type ParityCase, recurrentParity, softmaxCeParity, stepParity } from "./fused_parity.ts";

const checks = {
  softmax_ce: softmaxCeParity,
  dropout: dropoutParity,
  step: stepParity,
  lstm: () => recurrentParity("lstm"),
  gru: () => recurrentParity("gru"),
};
// Deno's global read through globalThis: tsconfig.json, which checks the tests, has no Deno types
const name = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args[0];
// a check not in the table lives in its own module beside this one, `<name>_parity.ts`, exporting `parity()`
const check: () => Promise<ParityCase[]> = name in checks ? checks[name as keyof typeof checks] : await ownModule(name);
await selectBackend("webgpu", { gpu: (navigator as unknown as { gpu: GpuLike }).gpu });
// any WebGPU error the device reports fails the check: a rejected kernel would otherwise leave stale data to compare
console.log(JSON.stringify(await failOnGpuErrors(check)));

async function ownModule(name: string): Promise<() => Promise<ParityCase[]>> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new TypeError(`fused_parity_check.ts: "${name}" is not a check name (lower case, digits, _)`);
  const module = await import(`./${name}_parity.ts`).catch((e: Error) => {
    throw new TypeError(`fused_parity_check.ts: unknown check "${name}" (not one of ${Object.keys(checks).join(", ")}, and ./${name}_parity.ts: ${e.message})`);
  }) as { parity?: () => Promise<ParityCase[]> };
  if (typeof module.parity !== "function") throw new TypeError(`fused_parity_check.ts: ./${name}_parity.ts exports no parity()`);
  return module.parity;
}
