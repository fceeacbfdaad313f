/// <reference types="node" />
// Runs a check of fused_parity_check.ts under Deno (WebGPU on lavapipe; Node has none) and parses its JSON line.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../../cli/helpers.ts";
import type { ParityCase } from "./fused_parity.ts";

/** A runner with its own XDG_RUNTIME_DIR for Mesa; dispose removes it. */
export function fusedParity(): { check(name: string): Promise<ParityCase[]>; dispose(): void } {
  const runtime = mkdtempSync(join(tmpdir(), "mf-fused-"));
  return {
    check: (name) =>
      new Promise((done, fail) => {
        execFile(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "tests/models/tfjs/webgpu/fused_parity_check.ts", name], {
          cwd: ROOT,
          timeout: 240_000,
          env: { ...process.env, NO_COLOR: "1", XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtime },
        }, (error, out, err) => {
          if (error) return fail(new Error(`fused_parity_check.ts ${name} failed: ${error.message}\n${err}`));
          done(JSON.parse(out.trim().split("\n").at(-1)!));
        });
      }),
    dispose: () => rmSync(runtime, { recursive: true, force: true }),
  };
}
