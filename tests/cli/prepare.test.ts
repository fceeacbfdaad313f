/// <reference types="node" />
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import { createRng } from "../../core/random.ts";
import { errorMessage, lastLine, mf, readRows, show, tempDir, writeSplits, writeTable } from "./helpers.ts";

const { dir, cleanup } = tempDir("prepare");
afterAll(cleanup);

/** Raw 5-minute OHLCV bars: a random walk per symbol. */
function rawBars(symbols: number, n: number): WriteColumn[] {
  const rng = createRng(21);
  const cols = {
    datetime: [] as number[],
    symbol: [] as string[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    volume: [] as number[],
  };
  for (let s = 0; s < symbols; s++) {
    let price = 50 + 10 * s;
    for (let t = 0; t < n; t++) {
      const open = price;
      price *= Math.exp(0.003 * rng.normal());
      cols.datetime.push(Date.UTC(2025, 0, 1) + t * 300_000);
      cols.symbol.push(`C${s}`);
      cols.open.push(open);
      cols.close.push(price);
      cols.high.push(Math.max(open, price) * (1 + 0.001 * Math.abs(rng.normal())));
      cols.low.push(Math.min(open, price) * (1 - 0.001 * Math.abs(rng.normal())));
      cols.volume.push(100 * Math.exp(rng.normal()));
    }
  }
  return [
    { name: "datetime", type: "timestamp_ms", data: cols.datetime },
    { name: "symbol", type: "string", data: cols.symbol },
    ...(["open", "high", "low", "close", "volume"] as const).map((name): WriteColumn => ({ name, type: "float64", data: cols[name] })),
  ];
}

describe("mf prepare -> train -> predict --raw", () => {
  const bars = writeTable(join(dir, "bars.parquet"), rawBars(2, 3000));
  const data = join(dir, "prepared");
  const runs = join(dir, "runs");

  it("prepares splits and prepare.json, trains on them, and scores raw bars exactly as in training", async () => {
    const p = await mf(["prepare", "--input", bars, "--out", data, "--json"]);
    expect(p.code, show(p)).toBe(0);
    const summary = JSON.parse(lastLine(p.stdout));
    expect(summary.rows.train).toBeGreaterThan(summary.rows.val);
    const manifest = JSON.parse(readFileSync(join(data, "prepare.json"), "utf8"));
    expect(manifest.features.length).toBe(summary.features);
    expect(manifest.splits.train.labels.h5).toHaveProperty("0");

    const t = await mf(["train", "--data", data, "--model", "logistic", "--epochs", "2", "--backend", "cpu", "--out", runs, "--json"]);
    expect(t.code, show(t)).toBe(0);
    const run = JSON.parse(lastLine(t.stdout));
    expect(JSON.parse(readFileSync(join(run.run_dir, "prepare.json"), "utf8"))).toEqual(manifest);

    const out = join(dir, "raw_pred.parquet");
    const r = await mf(["predict", "--run", run.run_dir, "--input", bars, "--raw", "--out", out, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const raw = await readRows(out);
    const saved = await readRows(join(run.run_dir, "predictions", "test.parquet"));
    const byKey = new Map(raw.map((row) => [`${row.symbol}@${row.datetime}`, row]));
    for (const row of saved) {
      const again = byKey.get(`${row.symbol}@${row.datetime}`);
      expect(again, `${row.symbol} ${row.datetime}`).toBeDefined();
      for (const c of ["prob_short", "prob_neutral", "prob_long"]) expect(Number(again![c])).toBeCloseTo(Number(row[c]), 5);
    }
  });

  it("refuses --raw for a run that was not trained on prepared splits", async () => {
    const synth = join(dir, "synth");
    mkdirSync(synth);
    writeSplits(synth);
    const t = await mf(["train", "--data", synth, "--model", "logistic", "--epochs", "1", "--backend", "cpu", "--out", runs, "--json"]);
    expect(t.code, show(t)).toBe(0);
    const r = await mf(["predict", "--run", JSON.parse(lastLine(t.stdout)).run_dir, "--input", bars, "--raw", "--out", join(dir, "x.parquet")]);
    expect(r.code).toBe(1);
    expect(errorMessage(r.stderr)).toMatch(/has no prepare.json: it was not trained on splits made by mf prepare/);
  });
});
