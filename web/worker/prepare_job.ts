import { parseConfig } from "../../core/config/parse.ts";
import { writeParquet } from "../../core/data/parquet_write.ts";
import type { ProgressSink } from "../../core/platform.ts";
import { readBars } from "../../core/prepare/bars.ts";
import { PrepareConfig } from "../../core/prepare/config.ts";
import { prepareBars } from "../../core/prepare/prepare.ts";
import { blobSource } from "../blob_source.ts";
import type { PreparedData } from "./protocol.ts";

const SPLITS = ["train", "val", "test"] as const;

/**
 * The prepare step in a worker, with the same core code as `mf prepare`: reads the raw bars, builds the splits, and
 * writes the three Parquet files and prepare.json exactly as the CLI writes them (so the prepared files and the
 * recipe a run keeps are the CLI's bytes). Each phase is reported.
 */
export async function runPrepareJob(file: File, config: unknown, progress: ProgressSink): Promise<PreparedData> {
  const settings = parseConfig(PrepareConfig, config, "prepare settings");
  progress({ kind: "phase", phase: "reading bars", detail: file.name });
  const bars = await readBars(blobSource(file), settings);
  progress({
    kind: "phase",
    phase: "computing features and labels",
    detail: `${bars.rows} bars of ${bars.symbols.length} symbols; ${bars.gaps.count} gap(s) (${settings.gaps === "cut" ? "cut" : "kept"})`,
  });
  const { tables, manifest } = prepareBars(bars, settings);
  const files = {} as PreparedData["files"];
  for (const split of SPLITS) {
    progress({ kind: "phase", phase: "writing", detail: `${split}.parquet, ${tables[split].rows} rows` });
    files[split] = writeParquet(tables[split].columns);
  }
  // the same text as cli/commands/prepare.ts writes, so a browser run's prepare.json equals a CLI run's
  const recipe = new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n");
  return { files, recipe, manifest };
}
