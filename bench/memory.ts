// Memory benchmark (issue 2): peak RSS of the whole process while training with --seq-len 60 on the
// synth defaults. Windows are never materialised; materialising them would take
// samples x 60 x features x 4 bytes (2.2 GB for the training split alone).
// Usage: npm run bench:memory [-- --model logistic --epochs 3 --data DIR]
import { parseArgs } from "node:util";
import { join } from "node:path";
import { trainCommand } from "../cli/commands/train.ts";
import { synthCommand } from "../cli/commands/synth.ts";
import { machine, writeResult } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { model: { type: "string" }, epochs: { type: "string" }, data: { type: "string" } } });
const dir = values.data ?? join("experiments", "demo-data");
const model = values.model ?? "logistic";
const epochs = values.epochs ?? "3";
if (!(await Deno.stat(join(dir, "train.parquet")).then(() => true, () => false))) await synthCommand(["--out", dir]);

let peak = Deno.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);
const t0 = performance.now();
const out = await Deno.makeTempDir({ prefix: "mf-bench-memory-" });
const result = await trainCommand(["--data", dir, "--model", model, "--seq-len", "60", "--epochs", epochs, "--out", out, "--json"]);
clearInterval(sampler);
peak = Math.max(peak, Deno.memoryUsage().rss);
await Deno.remove(out, { recursive: true });

const files = result!.record.dataset.files as Record<string, { rows: number; samples: number }>;
const features = result!.record.dataset.features.length;
const materialised = files.train.samples * 60 * features * 4;
await writeResult("memory", {
  benchmark: "memory",
  date: new Date().toISOString(),
  machine: machine(),
  model: result!.record.model,
  seq_len: 60,
  epochs: Number(epochs),
  backend: result!.record.backend.name,
  peak_rss_bytes: peak,
  materialised_train_windows_bytes: materialised,
  seconds: (performance.now() - t0) / 1000,
}, [
  [
    "model, window",
    `${result!.record.model}, seq_len 60 x ${features} features, ${files.train.samples} train samples, ${epochs} epoch(s) on ${result!.record.backend.name}`,
  ],
  ["peak RSS of the whole process (sampled every 20 ms)", `${(peak / 2 ** 30).toFixed(2)} GiB (target < 1.5 GB)`],
  ["the training split's windows, if materialised", `${(materialised / 2 ** 30).toFixed(2)} GiB`],
]);
Deno.exit(0);
