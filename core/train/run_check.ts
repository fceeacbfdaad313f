import { z } from "zod";
import { parseMetricsJsonl } from "../bundle/epochs.ts";
import { DataError, NotFoundError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { Preprocess, readRunJson, RunRecord } from "./run_record.ts";

/** metrics.json as any reader needs it: an object whose val and test, when present, are objects. */
const MetricsFile = z.looseObject({ val: z.record(z.string(), z.unknown()).optional(), test: z.record(z.string(), z.unknown()).optional() });

/** How thoroughly to look: `record` reads run.json and metrics.json (what a listing shows); `whole` reads every JSON file a reader or importer parses. */
export type RunCheckDepth = "record" | "whole";

/**
 * Why a stored run cannot be used as it is, or undefined when it can: run.json that does not parse, is not a run
 * record, or names another id than the run's folder (or bundle entry); and, for `whole`, a malformed metrics.json,
 * metrics.jsonl, model/preprocess.json or other model JSON file. The reason names the run and the file; a
 * listing reports it and goes on with the other runs. Errors other than damage (a disk failing) are thrown.
 * @example const why = await runProblem(store, id, "whole"); if (why) warn(why);
 */
export async function runProblem(reader: RunReader, id: string, depth: RunCheckDepth = "whole"): Promise<string | undefined> {
  try {
    const record = await readRunJson(reader, id, "run.json", RunRecord);
    if (record.id !== id) return `Run ${id}: run.json says its id is ${JSON.stringify(record.id)}, not ${JSON.stringify(id)}`;
    const files = await reader.files(id);
    if (files.includes("metrics.json")) await readRunJson(reader, id, "metrics.json", MetricsFile);
    if (depth === "record") return undefined;
    if (files.includes("metrics.jsonl")) parseMetricsJsonl(new TextDecoder().decode(await reader.read(id, "metrics.jsonl")), id);
    if (files.includes("model/preprocess.json")) await readRunJson(reader, id, "model/preprocess.json", Preprocess);
    for (const path of files.filter((p) => p.startsWith("model/") && p.endsWith(".json") && p !== "model/preprocess.json")) {
      await readRunJson(reader, id, path, z.unknown());
    }
    return undefined;
  } catch (error) {
    if (error instanceof DataError || error instanceof NotFoundError) return error.message;
    throw error;
  }
}
