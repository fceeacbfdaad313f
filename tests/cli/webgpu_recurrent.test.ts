/// <reference types="node" />
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastLine, mf, runJson, show, tempDir, writeSplits } from "./helpers.ts";

// The fused WebGPU recurrences (models/tfjs/webgpu/) under Deno on lavapipe, end to end: a run says in run.json
// which path its recurrent layer took (backend.kernels), and the flag's "off" is not needed for that.
const { dir, cleanup } = tempDir("webgpu-recurrent");
afterAll(cleanup);

describe("mf train --backend webgpu with a recurrent model", () => {
  for (const model of ["lstm", "gru"]) {
    it(`${model}: run.json records that the fused kernels ran`, async () => {
      const data = join(dir, `data-${model}`);
      mkdirSync(data);
      writeSplits(data);
      const args = [
        "train",
        "--data",
        data,
        "--model",
        model,
        "--epochs",
        "1",
        "--batch-size",
        "64",
        "--backend",
        "webgpu",
        "--out",
        join(dir, "runs"),
        "--json",
      ];
      const r = await mf(args);
      expect(r.code, show(r)).toBe(0);
      const run = runJson(JSON.parse(lastLine(r.stdout)).run_dir);
      expect(run.status).toBe("finished");
      expect(run.backend.name).toBe("webgpu");
      expect(run.backend.kernels).toMatch(/^mf_fused_(lstm|gru)_\w+: fused$/);
    });
  }
});
