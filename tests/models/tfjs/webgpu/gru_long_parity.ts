// The fused GRU parity checks with 128 units and window 200 as well (fused_parity.ts recurrentParity), run under Deno
// on lavapipe by fused_parity_check.ts ("gru_long"); the browser's SwiftShader runs the shorter set.
import { recurrentParity } from "./fused_parity.ts";
import type { ParityCase } from "./fused_parity.ts";

/** recurrentParity("gru") with the long shapes. */
export function parity(): Promise<ParityCase[]> {
  return recurrentParity("gru", "long");
}
