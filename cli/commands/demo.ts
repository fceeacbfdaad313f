import { join, resolve } from "node:path";
import { exportCommand } from "./export.ts";
import { experimentCommand } from "./experiment.ts";
import { synthCommand } from "./synth.ts";

const DATA = join("experiments", "demo-data");
const CONFIG = join("config", "experiments", "demo.yaml");
const VIEWER = join("experiments", "demo", "viewer.html");

/**
 * `mf demo`: the factory in small: generates the synthetic dataset, runs the demo experiment (three model
 * families at horizon 5, chosen on validation), prints the comparison, and exports a one-file viewer of it.
 * Run again, it trains nothing: the cells are finished.
 */
export async function demoCommand(args: string[]): Promise<void> {
  console.log(`Generating the synthetic Phase-1 dataset in ${DATA} ...`);
  await synthCommand(["--out", DATA]);
  console.log(`\nRunning the experiment in ${CONFIG} ...`);
  const result = await experimentCommand(["--config", CONFIG, ...args]);
  if (!result) return;
  console.log(`\nExporting the experiment as one viewer page ...`);
  await exportCommand(["--select", "experiment=demo", "--single-file", VIEWER]);
  console.log(`\nDone: ${result.finished} of ${result.cells} runs finished.`);
  console.log(`  report:  ${resolve("experiments", "demo", "report.md")}`);
  console.log(`  viewer:  ${resolve(VIEWER)} (open it in a browser; it needs no server)`);
  console.log(`  runs:    ${resolve("experiments", "runs")}`);
  const best = result.report.horizons[0]?.best;
  if (best?.run_id) {
    console.log(`Best on validation: ${best.label}. Score a file with it:`);
    console.log(`  npm run mf -- predict --run experiments/runs/${best.run_id} --input ${join(DATA, "test.parquet")} --out predictions.parquet`);
  }
}
