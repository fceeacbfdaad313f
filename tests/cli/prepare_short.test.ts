/// <reference types="node" />
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WriteColumn } from "../../core/data/parquet_write.ts";
import { expectUserError, treeDigest } from "./good_runs.ts";
import { lastLine, mf, show, tempDir, writeTable } from "./helpers.ts";

// mf prepare on too few bars fails naming the minimum its settings need, and writes nothing; a config file with a
// UTF-8 byte-order mark is read like any other.
const { dir, cleanup } = tempDir("prepare-short");
afterAll(cleanup);

/** `n` smooth 5-minute bars of `symbols` symbols. */
function bars(n: number, symbols = 1): WriteColumn[] {
  const rows = Array.from({ length: n * symbols }, (_, k) => ({ s: Math.floor(k / n), i: k % n }));
  const close = rows.map(({ s, i }) => (100 + s) * Math.exp(0.01 * Math.sin(i / 3)));
  return [
    { name: "datetime", type: "timestamp_ms", data: rows.map(({ i }) => Date.UTC(2025, 0, 1) + i * 300_000) },
    { name: "symbol", type: "string", data: rows.map(({ s }) => `C${s}`) },
    { name: "open", type: "float64", data: close },
    { name: "high", type: "float64", data: close.map((c) => c * 1.002) },
    { name: "low", type: "float64", data: close.map((c) => c * 0.998) },
    { name: "close", type: "float64", data: close },
    { name: "volume", type: "float64", data: close.map(() => 10) },
  ];
}

describe("mf prepare on too few bars", () => {
  it("fails naming the empty split and the minimum bars per symbol, and writes nothing into --out", async () => {
    const input = writeTable(join(dir, "short.parquet"), bars(400, 2));
    const out = join(dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "someone's file");
    const before = treeDigest(out);
    const r = await mf(["prepare", "--input", input, "--out", out]);
    const message = expectUserError(r);
    expect(message).toContain(input);
    expect(message).toMatch(/too few bars for these settings: the train split has no rows/);
    // defaults: the 288-bar windows' warm-up, purge 20 (the longest horizon), embargo 20, horizon 20, fractions 70/15/15
    expect(message).toMatch(/needs at least 443 bars with split fractions \[0\.7, 0\.15, 0\.15\] \(train >= 309, val >= 41, test >= 41 bars\)/);
    expect(message).toMatch(/a feature warm-up of 288 bars/);
    expect(message).toMatch(/The longest symbol here, C0, has 400 bars$/);
    expect(r.stdout).not.toContain("prepare.json written");
    expect(treeDigest(out)).toEqual(before);
    expect(existsSync(join(out, "prepare.json"))).toBe(false);
  });

  it("prepares the number of bars it named", async () => {
    const r = await mf(["prepare", "--input", writeTable(join(dir, "enough.parquet"), bars(443)), "--out", join(dir, "enough"), "--json"]);
    expect(r.code, show(r)).toBe(0);
    const rows = JSON.parse(lastLine(r.stdout)).rows;
    for (const split of ["train", "val", "test"]) expect(rows[split], split).toBeGreaterThan(0);
  });

  it("reads a --config file that starts with a UTF-8 byte-order mark", async () => {
    const config = join(dir, "bom.json");
    writeFileSync(config, `\uFEFF${JSON.stringify({ features: { volatility: [12], volume_z: [12] }, split: { embargo: 2 } })}`);
    const r = await mf(["prepare", "--input", writeTable(join(dir, "bom.parquet"), bars(600)), "--out", join(dir, "bom"), "--config", config, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).not.toContain("\uFEFF");
  });
});
