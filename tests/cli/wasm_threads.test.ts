/// <reference types="node" />
import { mkdirSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastLine, mf, readRows, runJson, show, tempDir, tinySplits, writeSplits } from "./helpers.ts";

const { dir, cleanup } = tempDir("wasm-threads");
afterAll(cleanup);
const data = join(dir, "data");
mkdirSync(data);
const paths = writeSplits(data, tinySplits());

/**
 * Trains a network (the MLP) on the wasm backend (MF_THREADS in `env`: the threads it may use); returns the run folder.
 * A window of 64 makes the first layer's products (256 x 512 x 128) large enough to be split over the threads.
 */
async function trainMlp(runs: string, env: Record<string, string> = {}, model = "mlp"): Promise<string> {
  const args = ["train", "--data", data, "--model", model, "--seed", "3", "--epochs", "2", "--seq-len", "64", "--backend", "wasm"];
  const r = await mf([...args, "--out", runs, "--json"], 240_000, env);
  expect(r.code, show(r)).toBe(0);
  return JSON.parse(lastLine(r.stdout)).run_dir;
}

describe("the wasm backend under Deno (cli/wasm_threads.ts)", () => {
  it("starts with one thread per core, and trains the same run twice for a seed, and on one thread", async () => {
    const [first, second] = [await trainMlp(join(dir, "runs-a")), await trainMlp(join(dir, "runs-b"))];
    const n = cpus().length;
    expect(runJson(first).backend.reason).toBe(`wasm as requested, ${n} thread${n > 1 ? "s" : ""}`);
    const [a, b] = [await readRows(join(first, "predictions", "test.parquet")), await readRows(join(second, "predictions", "test.parquet"))];
    expect(a.length).toBeGreaterThan(100);
    expect(b.map((row) => row.prob_long)).toEqual(a.map((row) => row.prob_long));
    // the products ran on our kernel, split over the threads; on one thread every output is the same sum in the same
    // order, so the run is the same to the bit (models/tfjs/wasm/gemm.ts)
    expect(runJson(first).backend.kernels).toBe(`products: gemm.wat (relaxed SIMD), ${n} thread${n > 1 ? "s" : ""}`);
    const single = await trainMlp(join(dir, "runs-c"), { MF_THREADS: "1" });
    expect(runJson(single).backend.kernels).toBe("products: gemm.wat (relaxed SIMD), 1 thread");
    expect((await readRows(join(single, "predictions", "test.parquet"))).map((row) => row.prob_long)).toEqual(a.map((row) => row.prob_long));
    // the LSTM's and the GRU's recurrences run on the wasm kernel, in blocks of the batch's rows on every thread
    // (models/tfjs/wasm/recurrent_rows.ts): the same
    const probs = async (run: string) => (await readRows(join(run, "predictions", "test.parquet"))).map((row) => row.prob_long);
    for (const model of ["lstm", "gru"]) {
      const [all, one] = [
        await trainMlp(join(dir, `runs-${model}-all`), {}, model),
        await trainMlp(join(dir, `runs-${model}-one`), { MF_THREADS: "1" }, model),
      ];
      expect(runJson(all).backend.kernels).toMatch(new RegExp(`: wasm kernel; products: gemm\\.wat \\(relaxed SIMD\\), ${n} thread`));
      expect(await probs(one)).toEqual(await probs(all));
    }
    // and predict, on a freshly started threaded backend, reproduces the run's own test predictions
    const out = join(dir, "pred.parquet");
    const p = await mf(["predict", "--run", first, "--input", paths.test, "--out", out, "--backend", "wasm"]);
    expect(p.code, show(p)).toBe(0);
    const key = (row: Record<string, unknown>) => `${row.symbol}|${(row.datetime as Date).getTime()}`;
    const predicted = new Map((await readRows(out)).map((row) => [key(row), row.prob_long as number]));
    for (const row of a) expect(Math.abs(predicted.get(key(row))! - (row.prob_long as number)), key(row)).toBeLessThanOrEqual(1e-6);
  });
});
