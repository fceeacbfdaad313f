/// <reference types="node" />
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_DEFAULT_SIGNAL, SYNTH_DEFAULT_VOL_SIGNAL, SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { synthBars } from "../../core/data/synth_bars.ts";
import { columnNames, errorMessage, mf, readRows, show, tempDir } from "./helpers.ts";

const { dir, cleanup } = tempDir("synth");
afterAll(cleanup);

const SPLITS = ["train", "val", "test"] as const;
const synth = (out: string, seed: number) => mf(["synth", "--out", out, "--symbols", "2", "--rows", "600", "--features", "5", "--seed", String(seed)]);

describe("mf synth", () => {
  it("writes train/val/test.parquet with datetime, symbol, f_000.., label_h5, label_h20, fwd_ret_h5, fwd_ret_h20", async () => {
    const out = join(dir, "a");
    const r = await synth(out, 3);
    expect(r.code, show(r)).toBe(0);
    for (const split of SPLITS) {
      const path = join(out, `${split}.parquet`);
      expect(r.stdout).toContain(path);
      const names = columnNames(path);
      expect(names.slice(0, 2)).toEqual(["datetime", "symbol"]);
      expect(names.filter((n) => n.startsWith("f_"))).toEqual(["f_000", "f_001", "f_002", "f_003", "f_004"]);
      expect([...names].sort()).toEqual([
        "datetime",
        "f_000",
        "f_001",
        "f_002",
        "f_003",
        "f_004",
        "fwd_ret_h20",
        "fwd_ret_h5",
        "label_h20",
        "label_h5",
        "symbol",
      ]);
      const rows = await readRows(path);
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((row) => row.symbol))).toEqual(new Set(["SYM00", "SYM01"]));
      expect(rows[0].datetime).toBeInstanceOf(Date);
      const labels = new Set(rows.map((row) => row.label_h5).filter((v) => v !== null && v !== undefined));
      expect([...labels].every((v) => v === -1 || v === 0 || v === 1)).toBe(true);
    }
  });

  it("writes byte-identical files for the same seed and different files for another seed", async () => {
    const [a, b, c] = [join(dir, "s1"), join(dir, "s2"), join(dir, "s3")];
    const results = await Promise.all([synth(a, 9), synth(b, 9), synth(c, 10)]);
    for (const r of results) expect(r.code, show(r)).toBe(0);
    for (const split of SPLITS) {
      const bytes = (d: string) => readFileSync(join(d, `${split}.parquet`));
      expect(bytes(a).equals(bytes(b)), `${split} differs between two runs with seed 9`).toBe(true);
      expect(bytes(a).equals(bytes(c)), `${split} is the same for seeds 9 and 10`).toBe(false);
    }
  });

  it("--signal 1 writes the strong-signal splits byte for byte; --signal and --vol-signal at their defaults write the default ones", async () => {
    const [strong, weak, mixed] = [join(dir, "strong"), join(dir, "weak"), join(dir, "mixed")];
    const base = ["--symbols", "2", "--rows", "600", "--features", "5", "--seed", "4"];
    const results = await Promise.all([
      mf(["synth", "--out", strong, ...base, "--signal", "1"]),
      mf(["synth", "--out", weak, ...base]),
      mf(["synth", "--out", mixed, ...base, "--signal", String(SYNTH_DEFAULT_SIGNAL), "--vol-signal", String(SYNTH_DEFAULT_VOL_SIGNAL)]),
    ]);
    for (const r of results) expect(r.code, show(r)).toBe(0);
    const expected = synthSplits({ symbols: 2, rows: 600, features: 5, seed: 4, signal: SYNTH_STRONG_SIGNAL });
    for (const split of SPLITS) {
      const bytes = readFileSync(join(strong, `${split}.parquet`));
      expect(bytes.equals(writeParquet(expected[split].columns)), `${split} is not the strong-signal data`).toBe(true);
      expect(bytes.equals(readFileSync(join(weak, `${split}.parquet`))), `${split} is the same at the default signal`).toBe(false);
      expect(readFileSync(join(mixed, `${split}.parquet`)).equals(readFileSync(join(weak, `${split}.parquet`))), `${split} differs from the defaults`).toBe(
        true,
      );
    }
  });

  it("rejects a --signal outside [0, 4] or a --vol-signal outside [0, 2] with one error line naming the flag", async () => {
    for (const [flag, value] of [["signal", "5"], ["signal", "-1"], ["signal", "strong"], ["vol-signal", "3"], ["vol-signal", "high"]]) {
      const r = await mf(["synth", "--out", join(dir, "bad-signal"), `--${flag}=${value}`]);
      expect(r.code, show(r)).not.toBe(0);
      expect(r.stderr, "a stack trace reached the user").not.toMatch(/^\s+at |Uncaught/m);
      expect(errorMessage(r.stderr)).toMatch(flag === "signal" ? /signal/ : /vol-?signal/i);
    }
  });

  it("rejects --rows too small for the splits with one error line naming --rows, not a stack trace", async () => {
    const out = join(dir, "tiny");
    const r = await mf(["synth", "--out", out, "--rows", "10"]);
    expect(r.code, show(r)).not.toBe(0);
    expect(r.stderr, "a stack trace reached the user").not.toMatch(/^\s+at |Uncaught/m);
    expect(errorMessage(r.stderr)).toMatch(/rows/);
  });

  it("--bars writes raw OHLCV bars (bars.parquet) that equal synthBars, and refuses the Phase-1 flags", async () => {
    const out = join(dir, "bars");
    const r = await mf(["synth", "--bars", "--out", out, "--symbols", "2", "--rows", "400", "--seed", "5"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`${join(out, "bars.parquet")}: 800 bars`);
    expect(readFileSync(join(out, "bars.parquet")).equals(writeParquet(synthBars({ symbols: 2, rows: 400, seed: 5 })))).toBe(true);
    const bad = await mf(["synth", "--bars", "--out", out, "--features", "5"]);
    expect(bad.code, show(bad)).not.toBe(0);
    expect(errorMessage(bad.stderr)).toMatch(/--features shapes the Phase-1 splits and does not apply/);
  });
});
