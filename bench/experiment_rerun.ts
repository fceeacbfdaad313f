// Rerun benchmark (issue 11's Must-show): `mf experiment` on synth, 3 models x 2 horizons x 2 seeds (12 cells and the
// ensembles), then the same command again, which trains nothing; its time against the first run's. Target: a rerun
// under a tenth of the first run. Each rerun is a fresh process (deno's start-up and module loading, the data's
// fingerprint, the finished cells found, the report rebuilt), so its time is roughly fixed while the first run's grows
// with the data: the ratio is recorded for synth's default size (3 symbols x 41,000 bars x 107 features, the `mf
// synth` a user starts with) and for tests/cli/experiment.test.ts's tiny data (2 x 3,000 x 16), whose first run is
// too short for the mark to mean much.
// Usage: npm run bench:experiment_rerun [-- --reruns 3] [--sizes 3x41000x107,2x3000x16] [--name experiment_rerun]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeParquet } from "../core/data/parquet_write.ts";
import { synthSplits } from "../core/data/synth.ts";
import { mfCommand } from "../cli/executor/local.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { reruns: { type: "string" }, sizes: { type: "string" }, name: { type: "string" } } });
const reruns = Number(values.reruns ?? 3), name = values.name ?? "experiment_rerun";
const sizes = (values.sizes ?? "3x41000x107,2x3000x16").split(",").map((s) => {
  const [symbols, rows, features] = s.split("x").map(Number);
  if (![symbols, rows, features].every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--sizes ${s}: expected SYMBOLSxROWSxFEATURES`);
  return { symbols, rows, features };
});
const TARGET = 0.1;
// the experiment of tests/cli/experiment.test.ts: linear, trees and a small network on both horizons, two seeds
const config = `experiment: { name: rerun, description: 3 models x 2 horizons x 2 seeds }
data: { dir: data }
horizons: [5, 20]
seeds: [1, 2]
models:
  - name: linear:logistic
  - name: trees:gbdt
    trainer: { epochs: 40 }
  - name: neural:mlp
    label: mlp-8
    params: { hidden: [8] }
    dataset: { seq_len: 3 }
trainer: { epochs: 8, patience: 0, backend: cpu }
output: { base_dir: runs }
`;

/** One `mf experiment` of the config in `folder`: its wall time, and the summary line (cells, finished). */
async function experiment(folder: string): Promise<{ s: number; finished: number; toRun: number }> {
  const [exec, ...pre] = mfCommand();
  const t0 = performance.now();
  const out = await new Deno.Command(exec, { args: [...pre, "experiment", "--config", join(folder, "rerun.yaml"), "--json"], stdout: "piped", stderr: "piped" })
    .output();
  const s = (performance.now() - t0) / 1000;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`mf experiment failed:\n${stderr.slice(-3000)}`);
  const summary = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  const toRun = Number(/(\d+) to run/.exec(stderr)?.[1] ?? NaN);
  return { s, finished: summary.finished, toRun };
}

/** One data size's figures. */
interface Result {
  symbols: number;
  rows: number;
  features: number;
  cells: number;
  first_s: number;
  reruns_s: number[];
  rerun_median_s: number;
  ratio: number;
  met: boolean;
}
const results: Result[] = [];
for (const size of sizes) {
  const folder = await Deno.makeTempDir({ prefix: "mf-bench-rerun-" });
  try {
    const splits = synthSplits({ ...size, seed: 7 });
    await Deno.mkdir(join(folder, "data"));
    for (const split of ["train", "val", "test"] as const) await Deno.writeFile(join(folder, "data", `${split}.parquet`), writeParquet(splits[split].columns));
    await Deno.writeTextFile(join(folder, "rerun.yaml"), config);
    const first = await experiment(folder);
    console.log(`${size.symbols}x${size.rows}x${size.features}: first run ${first.s.toFixed(2)} s, ${first.finished} cells finished`);
    const again = [];
    for (let k = 0; k < reruns; k++) {
      const r = await experiment(folder);
      if (r.toRun !== 0 || r.finished !== first.finished) throw new Error(`rerun ${k + 1} trained again: ${r.toRun} to run, ${r.finished} finished`);
      again.push(r.s);
      console.log(`  rerun ${k + 1}: ${r.s.toFixed(2)} s (0 cells to run)`);
    }
    const ratio = median(again) / first.s;
    results.push({ ...size, cells: first.finished, first_s: first.s, reruns_s: again, rerun_median_s: median(again), ratio, met: ratio < TARGET });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}
const label = (r: Result) => `${r.symbols} symbols x ${r.rows} bars x ${r.features} features`;
await writeResult(name, { machine: machine(), target: TARGET, reruns, config, results }, [
  ["experiment", "logistic, gbdt (40 rounds), mlp [8] (8 epochs, cpu backend) x horizons 5, 20 x seeds 1, 2: 12 cells and 4 ensembles"],
  ...results.flatMap((r): [string, string][] => [
    [`${label(r)}: first run`, `${r.first_s.toFixed(2)} s (${r.cells} cells finished)`],
    [`${label(r)}: reruns (0 cells to run)`, `${r.reruns_s.map((s) => s.toFixed(2)).join(", ")} s`],
    [`${label(r)}: rerun / first`, `${r.ratio.toFixed(3)} (target < ${TARGET}: ${r.met ? "met" : "not met"})`],
  ]),
]);
