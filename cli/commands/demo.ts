import { join } from "node:path";
import { synthCommand } from "./synth.ts";
import { trainCommand } from "./train.ts";

const DATA = join("experiments", "demo-data");

/** `mf demo`: generates the synthetic dataset, trains logistic regression at horizon 5, and shows where the run is. */
export async function demoCommand(args: string[]): Promise<void> {
  console.log(`Generating the synthetic Phase-1 dataset in ${DATA} ...`);
  await synthCommand(["--out", DATA]);
  console.log(`\nTraining linear:logistic at horizon 5 ...`);
  const result = await trainCommand(["--data", DATA, "--model", "logistic", "--horizon", "5", ...args]);
  if (result) {
    console.log(`\nDone. The run is in ${result.location}; test macro-F1 ${result.test!.f1_macro.toFixed(3)} (chance is about 0.33).`);
    console.log(`Score a file with it:  npm run mf -- predict --run ${result.location} --input ${join(DATA, "test.parquet")} --out predictions.parquet`);
  }
}
