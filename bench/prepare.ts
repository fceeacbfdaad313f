// Prepare benchmark (issue 7): `mf prepare` on the real 1.2M-bar file; wall time (median of 3) and the
// peak RSS of the whole process. Targets: under 60 s and under 3 GB on a 2-core machine.
// Usage: npm run bench:prepare [-- --input FILE]
import { parseArgs } from "node:util";
import { join } from "node:path";
import { prepareCommand } from "../cli/commands/prepare.ts";
import { machine, median, writeResult } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { input: { type: "string" }, repeats: { type: "string" } } });
const input = values.input ?? join("..", "shared", "data", "binance-spot-5m.parquet");
const out = await Deno.makeTempDir({ prefix: "mf-bench-prepare-" });
let peak = Deno.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);
const times: number[] = [];
for (let i = 0; i < Number(values.repeats ?? 3); i++) {
  const t0 = performance.now();
  await prepareCommand(["--input", input, "--out", out, "--json"]);
  times.push((performance.now() - t0) / 1000);
}
clearInterval(sampler);
const manifest = JSON.parse(await Deno.readTextFile(join(out, "prepare.json")));
await Deno.remove(out, { recursive: true });
const seconds = median(times);
await writeResult("prepare", {
  benchmark: "prepare",
  date: new Date().toISOString(),
  machine: machine(),
  input,
  bars: manifest.source.rows,
  features: manifest.features.length,
  seconds_median: seconds,
  seconds: times,
  peak_rss_bytes: peak,
}, [
  [
    "input",
    `${input}: ${
      manifest.source.rows.toLocaleString("en")
    } bars, ${manifest.source.symbols.length} symbols -> ${manifest.features.length} features, labels at H = ${manifest.config.labels.horizons.join(", ")}`,
  ],
  ["mf prepare wall time (median of 3, read + features + labels + splits + 3 Parquet files)", `${seconds.toFixed(1)} s (target < 60 s)`],
  ["peak RSS of the whole process (sampled every 20 ms)", `${(peak / 2 ** 30).toFixed(2)} GiB (target < 3 GB)`],
]);
Deno.exit(0);
