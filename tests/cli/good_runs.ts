/// <reference types="node" />
// A folder of good runs for the hardening tests: trained once per test file, copied into each case, and
// fingerprinted byte for byte so a test can assert that a failing command left every stored run untouched.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type CliResult, errorMessage, lastLine, mf, quick, show, writeSplits } from "./helpers.ts";

/** Every file under `root` as relative path -> sha256 of its bytes (none when the folder does not exist). */
export function treeDigest(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[full.slice(root.length + 1)] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(root);
  return out;
}

/** Two finished runs (logistic h5, mlp h20) trained into `<dir>/good-runs` on tiny splits in `<dir>/data`; returns their folder, ids and data. */
export async function trainGoodRuns(dir: string): Promise<{ runs: string; data: string; ids: string[] }> {
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  writeSplits(data);
  const runs = join(dir, "good-runs");
  const ids: string[] = [];
  for (const [model, horizon] of [["logistic", "5"], ["mlp", "20"]]) {
    const r = await mf(["train", "--data", data, "--model", model, "--horizon", horizon, "--json", ...quick(runs)]);
    if (r.code !== 0) throw new Error(`training a good run failed: ${show(r)}`);
    ids.push(JSON.parse(lastLine(r.stdout)).run_id);
  }
  return { runs, data, ids: ids.sort() };
}

/** A copy of a runs folder at `to`. */
export function copyFolder(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}

/**
 * A user mistake reported as the brief asks: exit code 1, no stack trace or uncaught error, exactly one
 * `error:` line (plus indented detail lines). Returns that message.
 */
export function expectUserError(r: CliResult): string {
  expect(r.code, show(r)).toBe(1);
  expect(r.stderr, `a stack trace or an uncaught error reached the user:\n${show(r)}`).not.toMatch(
    /^\s+at |Uncaught|^error: (TypeError|RangeError|SyntaxError)/m,
  );
  return errorMessage(r.stderr);
}
