// Scale-out benchmark (issue 14's Must-show): the same CPU-bound 8-cell experiment with 1 local worker and with 2,
// through `mf experiment --executor local --workers N` exactly as a user runs it (process start, data read, claims,
// report included). Target on a 2-core machine: 2 workers take at most 0.65 of the time of 1.
// Usage: npm run bench:scale_out [-- --epochs 16] [--rows 3000] [--repeats 2] [--backend cpu] [--name scale_out]
// The cells are MLPs (2 entries x 4 seeds) on synthetic data; --backend cpu (the default) is tfjs's single-threaded
// JavaScript backend, so one worker keeps one core busy; with --backend wasm one worker already uses every core
// (MF_THREADS = cores / workers), which the 2-worker arm then splits. Each arm runs in fresh folders; with --repeats R
// the arms alternate (1, 2, 2, 1, ...) and the medians are kept. Writes experiments/benchmarks/<name>.{json,md}.
// On a machine other sessions keep busy, Linux's autogroup scheduling shares the cores between sessions, not
// processes, so 2 workers of one session get no more CPU than 1: the figures mean something only on an idle machine,
// or with this session's autogroup raised (`echo -20 > /proc/self/autogroup`, as root); the result records it.
import { join } from "node:path";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { writeParquet } from "../core/data/parquet_write.ts";
import { synthSplits } from "../core/data/synth.ts";
import { mfCommand } from "../cli/executor/local.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { epochs: { type: "string" }, rows: { type: "string" }, repeats: { type: "string" }, backend: { type: "string" }, name: { type: "string" } },
});
const epochs = Number(values.epochs ?? 16), rows = Number(values.rows ?? 3000), repeats = Number(values.repeats ?? 2);
const backend = values.backend ?? "cpu", name = values.name ?? "scale_out";
const TARGET = 0.65;

const root = await Deno.makeTempDir({ prefix: "mf-bench-scale-out-" });
const splits = synthSplits({ symbols: 2, rows, features: 16, seed: 3, horizons: [5] });
await Deno.mkdir(join(root, "data"));
for (const split of ["train", "val", "test"] as const) await Deno.writeFile(join(root, "data", `${split}.parquet`), writeParquet(splits[split].columns));
const config = `experiment: { name: scale, description: 8 CPU-bound cells }
data: { dir: ../data }
horizons: [5]
seeds: [1, 2, 3, 4]
models:
  - name: neural:mlp
    params: { hidden: [64, 32] }
    dataset: { seq_len: 4 }
  - name: neural:mlp
    label: mlp-wide
    params: { hidden: [128] }
    dataset: { seq_len: 4 }
trainer: { epochs: ${epochs}, patience: 0, backend: ${backend} }
ensembles: { soft_voting: false, stacking: false }
output: { base_dir: runs }
`;

interface Arm {
  workers: number;
  wall_s: number;
  /** Seconds of training summed over the cells (run.json timings.total_s): the work, whichever worker did it. */
  cell_s: number;
  finished: number;
  /** Distinct workers that trained cells (from the claims). */
  workers_used: number;
  load_before: number;
}

async function arm(workers: number, k: number): Promise<Arm> {
  const folder = join(root, `w${workers}-${k}`);
  await Deno.mkdir(folder);
  await Deno.writeTextFile(join(folder, "scale.yaml"), config);
  const [exec, ...pre] = mfCommand();
  const load = loadavg()[0];
  const t0 = performance.now();
  const out = await new Deno.Command(exec, {
    args: [...pre, "experiment", "--config", join(folder, "scale.yaml"), "--executor", "local", "--workers", String(workers), "--json"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - t0) / 1000;
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${workers} worker(s) failed:\n${new TextDecoder().decode(out.stderr).slice(-3000)}`);
  const summary = JSON.parse(stdout.trim().split("\n").at(-1)!);
  let cell = 0;
  for await (const entry of Deno.readDir(join(folder, "runs"))) {
    if (!entry.isDirectory) continue;
    cell += JSON.parse(await Deno.readTextFile(join(folder, "runs", entry.name, "run.json"))).timings.total_s;
  }
  const holders = new Set<string>();
  for await (const entry of Deno.readDir(join(folder, "scale", "claims"))) {
    if (entry.name.endsWith(".json") && entry.name !== "after-cells.json") {
      holders.add(JSON.parse(await Deno.readTextFile(join(folder, "scale", "claims", entry.name))).worker);
    }
  }
  const result = { workers, wall_s: wall, cell_s: cell, finished: summary.finished, workers_used: holders.size, load_before: load };
  console.log(JSON.stringify(result));
  return result;
}

const arms: Arm[] = [];
for (let k = 0; k < repeats; k++) {
  const order = k % 2 === 0 ? [1, 2] : [2, 1];
  for (const workers of order) arms.push(await arm(workers, k));
}
await Deno.remove(root, { recursive: true });
const of = (workers: number) => arms.filter((a) => a.workers === workers);
const wall1 = median(of(1).map((a) => a.wall_s)), wall2 = median(of(2).map((a) => a.wall_s));
const ratio = wall2 / wall1;
const autogroup = (await Deno.readTextFile("/proc/self/autogroup").catch(() => "(no /proc/self/autogroup)")).trim();
const result = {
  machine: machine(),
  autogroup,
  settings: { cells: 8, epochs, rows, backend, repeats, models: "mlp [64,32] and mlp [128], seq_len 4, 2 symbols x 16 features" },
  arms,
  wall_1_s: wall1,
  wall_2_s: wall2,
  ratio,
  target: TARGET,
  met: ratio <= TARGET && arms.every((a) => a.finished === 8),
};
await writeResult(name, result, [
  ["experiment", `8 cells (mlp [64,32] and mlp [128] x 4 seeds), ${epochs} epochs, backend ${backend}, ${rows} bars x 2 symbols x 16 features`],
  ["1 worker: wall time", `${wall1.toFixed(1)} s (cells' own training ${median(of(1).map((a) => a.cell_s)).toFixed(1)} s)`],
  ["2 workers: wall time", `${wall2.toFixed(1)} s (cells' own training ${median(of(2).map((a) => a.cell_s)).toFixed(1)} s)`],
  ["2 workers / 1 worker", `${ratio.toFixed(3)} (target <= ${TARGET}: ${result.met ? "met" : "not met"})`],
  ["cells finished per arm", arms.map((a) => `${a.workers}w: ${a.finished}/8 by ${a.workers_used} worker(s)`).join(", ")],
  ["load average before each arm", arms.map((a) => `${a.workers}w: ${a.load_before.toFixed(2)}`).join(", ")],
  ["this session's scheduling", `${autogroup} (autogroup scheduling: the note at the top of bench/scale_out.ts)`],
]);
