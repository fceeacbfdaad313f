/// <reference types="node" />
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFolder, expectUserError, trainGoodRuns, treeDigest } from "./good_runs.ts";
import { mf, tempDir } from "./helpers.ts";

// A model the schema accepts but no machine could train is refused before anything is allocated, naming the
// setting and the estimate; no run is created, and the stored runs are left as they are.
const { dir, cleanup } = tempDir("memory");
afterAll(cleanup);
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
beforeAll(async () => {
  good = await trainGoodRuns(dir);
});

function config(name: string, params: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ params }));
  return file;
}

describe("a model too big for the backend", () => {
  it("an MLP of 16 layers of 65536 units is refused on cpu at once, naming params.hidden and the estimate", async () => {
    const runs = copyFolder(good.runs, join(dir, "runs-cpu"));
    const before = treeDigest(runs);
    const hidden = Array(16).fill(65536);
    const t0 = Date.now();
    const r = await mf(["train", "--data", good.data, "--model", "mlp", "--backend", "cpu", "--out", runs, "--config", config("huge", { hidden })]);
    const message = expectUserError(r);
    expect(Date.now() - t0, "refused before allocating").toBeLessThan(60_000);
    expect(message).toMatch(
      /^error: neural:mlp with params\.hidden \[65536(,65536){15}\] on 1 x 8 inputs \(window x features\) has 64\.\d+ billion parameters: /,
    );
    expect(message).toMatch(
      /training it needs about \d+\.\d GB \(weights, gradients and Adam's moments \d+\.\d GB, activations of a batch of 256 [\d.]+ [MG]B\), more than the cpu backend can hold \(this machine's memory, [\d.]+ GB\)/,
    );
    expect(message).toContain("Make params.hidden or trainer.batch_size smaller");
    expect(treeDigest(runs)).toEqual(before);
  });

  it("the wasm backend is held to 4 GiB whatever the machine has", async () => {
    const runs = join(dir, "runs-wasm");
    const r = await mf([
      "train",
      "--data",
      good.data,
      "--model",
      "mlp",
      "--backend",
      "wasm",
      "--out",
      runs,
      "--config",
      config("wasm", { hidden: [16384, 16384, 16384] }),
    ]);
    const message = expectUserError(r);
    expect(message).toMatch(
      /has 537\.\d million parameters: training it needs about 8\.\d GB .* more than the wasm backend can hold \(a wasm32 module's 4 GiB address space\)/,
    );
    expect(existsSync(runs)).toBe(false);
  });
});
