// deno-lint-ignore-file no-explicit-any -- parsed JSON of run files, read loosely by the tests
/// <reference types="node" />
// Shared plumbing for the CLI end-to-end tests: spawn `deno run cli/main.ts`, write tiny
// Phase-1 datasets into temp dirs, and read back what a run left on disk.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { type WriteColumn, writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, type SynthOptions, type SynthSplits, synthSplits } from "../../core/data/synth.ts";

/** The repository root: the CLI runs from here, as `npm run mf` does. */
export const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const DENO = join(ROOT, "node_modules", ".bin", "deno");

/** What one CLI invocation produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mf ARGS` (deno run -A cli/main.ts) from the repository root, with `env` added to this process's; never rejects on a non-zero exit. */
export function mf(args: string[], timeoutMs = 240_000, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    execFile(
      DENO,
      ["run", "-A", "cli/main.ts", ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return fail(new Error(`mf ${args.join(" ")}: ${error.message}\n${stderr}`));
        done({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Shows a CLI result in an assertion message, so a failing test says what the command printed. */
export function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mf-cli-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Tiny synthetic data: 2 symbols x 800 bars x 8 features, labels at horizons 5 and 20, with the strong signal the tests' quality checks need. */
export const TINY: SynthOptions = { symbols: 2, rows: 800, features: 8, seed: 11, signal: SYNTH_STRONG_SIGNAL };

/** Generated splits (columns ready for writeParquet). */
export function tinySplits(options: SynthOptions = {}): SynthSplits {
  return synthSplits({ ...TINY, ...options });
}

/** Writes columns as a Parquet file and returns its path. */
export function writeTable(path: string, columns: readonly WriteColumn[]): string {
  writeFileSync(path, writeParquet(columns));
  return path;
}

/** Writes train/val/test.parquet into `dir` and returns their paths. */
export function writeSplits(dir: string, splits: SynthSplits = tinySplits()): Record<"train" | "val" | "test", string> {
  return {
    train: writeTable(join(dir, "train.parquet"), splits.train.columns),
    val: writeTable(join(dir, "val.parquet"), splits.val.columns),
    test: writeTable(join(dir, "test.parquet"), splits.test.columns),
  };
}

/** The column named `name` (throws when absent, so a test cannot silently edit nothing). */
export function column(columns: readonly WriteColumn[], name: string): WriteColumn {
  const found = columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name} in ${columns.map((c) => c.name).join(", ")}`);
  return found;
}

/** Every row of a Parquet file as objects. */
export async function readRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return (await parquetReadObjects({ file })) as Record<string, unknown>[];
}

/** Top-level column names of a Parquet file, in order. */
export function columnNames(path: string): string[] {
  const bytes = readFileSync(path);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return metadata.schema.slice(1).map((s) => s.name);
}

/** Run directories under a runs folder (none when it does not exist). */
export function runDirs(runs: string): string[] {
  if (!existsSync(runs)) return [];
  return readdirSync(runs, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(runs, e.name));
}

/** A run's run.json. */
export function runJson(runDir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
}

/** The status of every run under `runs` that has a run.json ("(no run.json)" for a bare directory). */
export function runStatuses(runs: string): string[] {
  return runDirs(runs).map((d) => (existsSync(join(d, "run.json")) ? String(runJson(d).status) : "(no run.json)"));
}

/** Training flags that keep a CLI run small and fast. */
export function quick(runs: string): string[] {
  return ["--epochs", "2", "--backend", "cpu", "--out", runs];
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines[lines.length - 1] ?? "";
}

/**
 * The error a failed command reported: its one `error:` line plus any indented continuation lines
 * (a config error lists each problem as "  - ..."). Throws when there is not exactly one `error:` line.
 */
export function errorMessage(stderr: string): string {
  const lines = stderr.split("\n");
  const starts = lines.flatMap((l, i) => (l.startsWith("error:") ? [i] : []));
  if (starts.length !== 1) throw new Error(`expected exactly one "error:" line on stderr, found ${starts.length}:\n${stderr}`);
  const out = [lines[starts[0]]];
  for (let i = starts[0] + 1; i < lines.length && /^\s+\S/.test(lines[i]); i++) out.push(lines[i]);
  return out.join("\n");
}
