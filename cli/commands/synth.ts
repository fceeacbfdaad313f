import { join } from "node:path";
import { z } from "zod";
import { parseConfig } from "../../core/config/parse.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { synthBars } from "../../core/data/synth_bars.ts";
import { SYNTH_DEFAULT_SIGNAL, SYNTH_DEFAULT_VOL_SIGNAL, SYNTH_MAX_SIGNAL, SYNTH_MAX_VOL_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { ConfigError } from "../../core/errors.ts";
import { intFlag, parseFlags, required } from "../args.ts";

const flags = {
  out: { type: "string" },
  symbols: { type: "string" },
  rows: { type: "string" },
  features: { type: "string" },
  seed: { type: "string" },
  signal: { type: "string" },
  "vol-signal": { type: "string" },
  bars: { type: "boolean" },
} as const;

/** What `mf synth` accepts: enough rows per symbol for three splits with the h20 purge gap between them. */
const SynthFlags = z.strictObject({
  symbols: z.number().int().min(1).max(10_000).optional(),
  rows: z.number().int().min(200).max(100_000_000).optional(),
  features: z.number().int().min(1).max(100_000).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  signal: z.number().min(0).max(SYNTH_MAX_SIGNAL).optional(),
  volSignal: z.number().min(0).max(SYNTH_MAX_VOL_SIGNAL).optional(),
});

/**
 * Usage of `mf synth`. --signal is the directional drift, 0 to 4 (1 is the strong signal the model tests use);
 * --vol-signal the predictable short-term volatility, 0 to 2, which tells moves from 0 labels but not their direction.
 * The defaults mix the two for a macro-F1 of ~0.40 with a single-digit Sharpe; --signal alone turns the volatility off.
 */
export const synthUsage = `mf synth --out DIR [--symbols 3] [--rows 41000] [--features 107] [--seed 7]
         [--signal ${SYNTH_DEFAULT_SIGNAL} (direction, 0..${SYNTH_MAX_SIGNAL})] [--vol-signal ${SYNTH_DEFAULT_VOL_SIGNAL} (volatility, 0..${SYNTH_MAX_VOL_SIGNAL})]
   (the defaults: whether the next bars move is predictable, their direction barely: test macro-F1 ~0.40 with a
    single-digit Sharpe; --signal alone gives drift-only data, no volatility; --signal 1 is the model tests' strong signal)
mf synth --bars --out DIR [--symbols 2] [--rows 3000] [--seed 7]
   (raw 5-minute OHLCV bars instead, DIR/bars.parquet: datetime, symbol, open, high, low, close, volume, a random walk
    with a persistent drift and clustered volatility, the input of mf prepare and of the app's prepare step)`;

/** `mf synth`: writes a synthetic Phase-1 dataset (train/val/test.parquet), or with --bars raw OHLCV bars (bars.parquet), to a directory. */
export async function synthCommand(args: string[]): Promise<void> {
  const f = parseFlags("synth", args, flags);
  if (f.help) return console.log(synthUsage);
  const out = required("synth", "out", f.out);
  const options = parseConfig(SynthFlags, {
    symbols: intFlag("symbols", f.symbols),
    rows: intFlag("rows", f.rows),
    features: intFlag("features", f.features),
    seed: intFlag("seed", f.seed),
    signal: numberFlag("signal", f.signal),
    volSignal: numberFlag("vol-signal", f["vol-signal"]),
  }, "mf synth flags");
  if (f.bars) return await writeBars(out, options, f);
  const splits = synthSplits(options);
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

/** `mf synth --bars`: raw bars; the Phase-1 settings (features, signals) do not apply to them and are refused. */
async function writeBars(out: string, options: z.output<typeof SynthFlags>, f: { features?: string; signal?: string; "vol-signal"?: string }) {
  const unused = (["features", "signal", "vol-signal"] as const).find((k) => f[k] !== undefined);
  if (unused) throw new ConfigError(`mf synth --bars writes raw bars; --${unused} shapes the Phase-1 splits and does not apply`, { key: unused });
  const path = join(out, "bars.parquet");
  const bytes = writeParquet(synthBars({ symbols: options.symbols ?? 2, rows: options.rows ?? 3000, seed: options.seed }));
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeFile(`${path}.tmp`, bytes);
  await Deno.rename(`${path}.tmp`, path);
  console.log(`${path}: ${(options.symbols ?? 2) * (options.rows ?? 3000)} bars, ${(bytes.length / 1e6).toFixed(1)} MB`);
}

/** A finite number flag value, or undefined when the flag is absent; the range is the schema's. */
function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new ConfigError(`--${name} must be a number, got "${value}"`, { key: name, value });
  return n;
}
