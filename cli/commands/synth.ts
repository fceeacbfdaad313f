import { join } from "node:path";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { synthSplits } from "../../core/data/synth.ts";
import { intFlag, parseFlags, required } from "../args.ts";

const flags = { out: { type: "string" }, symbols: { type: "string" }, rows: { type: "string" }, features: { type: "string" }, seed: { type: "string" } } as const;

/** Usage of `mf synth`. */
export const synthUsage = "mf synth --out DIR [--symbols 3] [--rows 41000] [--features 107] [--seed 7]";

/** `mf synth`: writes a synthetic Phase-1 dataset (train/val/test.parquet) to a directory. */
export async function synthCommand(args: string[]): Promise<void> {
  const f = parseFlags("synth", args, flags);
  if (f.help) return console.log(synthUsage);
  const out = required("synth", "out", f.out);
  const splits = synthSplits({
    symbols: intFlag("symbols", f.symbols, 1, 10_000),
    rows: intFlag("rows", f.rows, 1, 100_000_000),
    features: intFlag("features", f.features, 1, 100_000),
    seed: intFlag("seed", f.seed, 0, 2 ** 32 - 1),
  });
  await Deno.mkdir(out, { recursive: true });
  for (const split of ["train", "val", "test"] as const) {
    const path = join(out, `${split}.parquet`);
    const bytes = writeParquet(splits[split].columns);
    const temp = `${path}.tmp`;
    await Deno.writeFile(temp, bytes);
    await Deno.rename(temp, path);
    console.log(`${path}: ${splits[split].rows} rows, ${splits[split].columns.length} columns, ${(bytes.length / 1e6).toFixed(1)} MB`);
  }
}
