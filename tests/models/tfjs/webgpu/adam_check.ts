// Run by adam.test.ts under Deno (`deno run -A`), whose WebGPU runs on Mesa's lavapipe: Node (vitest) has none.
// Prints adamParity's findings as one JSON line for the test to judge.
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import type { GpuLike } from "../../../../core/platform.ts";
import { adamParity } from "./adam_parity.ts";

// the test gives Mesa an XDG_RUNTIME_DIR; the CLI's platformBackend would, but it needs Deno's types, which tsconfig.json lacks
await selectBackend("webgpu", { gpu: (navigator as unknown as { gpu: GpuLike }).gpu });
console.log(JSON.stringify(await adamParity()));
