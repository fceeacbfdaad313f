import { join } from "node:path";
import { parseConfig } from "../../core/config/parse.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { readBars } from "../../core/prepare/bars.ts";
import { PrepareConfig } from "../../core/prepare/config.ts";
import { prepareBars } from "../../core/prepare/prepare.ts";
import { parseFlags, required } from "../args.ts";
import { openFile } from "../file_source.ts";
import { readConfigFile } from "../read_config.ts";

const flags = { input: { type: "string" }, out: { type: "string" }, config: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf prepare`. */
export const prepareUsage = "mf prepare --input bars.parquet --out DIR [--config config/prepare/default.json|.yaml] [--json]";

/** `mf prepare`: raw OHLCV bars -> train/val/test.parquet + prepare.json. */
export async function prepareCommand(args: string[]): Promise<void> {
  const f = parseFlags("prepare", args, flags);
  if (f.help) return console.log(prepareUsage);
  const out = required("prepare", "out", f.out);
  const config = parseConfig(PrepareConfig, f.config ? await readConfigFile(f.config) : {}, f.config ?? "prepare config");
  const source = await openFile(required("prepare", "input", f.input));
  const t0 = performance.now();
  try {
    const log = (line: string) => !f.json && console.error(line);
    log(`› reading ${source.name}`);
    const bars = await readBars(source, config);
    log(
      `› ${bars.rows} bars of ${bars.symbols.length} symbols, one every ${bars.barMs / 60_000} min; ${bars.gaps.count} gap(s)${
        bars.gaps.first ? `, first ${JSON.stringify(bars.gaps.first)}` : ""
      } (${config.gaps === "cut" ? "cut" : "kept"})`,
    );
    const { tables, manifest } = prepareBars(bars, config);
    await Deno.mkdir(out, { recursive: true });
    for (const split of ["train", "val", "test"] as const) {
      const path = join(out, `${split}.parquet`);
      await writeAtomic(path, writeParquet(tables[split].columns));
      log(`${path}: ${tables[split].rows} rows, ${manifest.features.length} features`);
    }
    await writeAtomic(join(out, "prepare.json"), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
    const summary = {
      out,
      seconds: (performance.now() - t0) / 1000,
      features: manifest.features.length,
      rows: Object.fromEntries(Object.entries(manifest.splits).map(([k, v]) => [k, v.rows])),
      split: manifest.split,
      gaps: manifest.gaps,
    };
    console.log(f.json ? JSON.stringify(summary) : `prepare.json written; ${summary.seconds.toFixed(1)} s`);
  } finally {
    source.close();
  }
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await Deno.writeFile(`${path}.tmp`, bytes);
  await Deno.rename(`${path}.tmp`, path);
}
