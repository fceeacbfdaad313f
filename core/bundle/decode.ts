import { DataError } from "../errors.ts";
import { unpackBundle } from "./container.ts";
import { EpochsTable } from "./epochs.ts";
import { EquityTable } from "./equity.ts";
import { checkExperiments } from "./experiments.ts";
import { FilesTable } from "./files.ts";
import { checkRegistry } from "./registry.ts";
import { checkStudies } from "./studies.ts";
import type { BundleHeader } from "./format.ts";
import { PredictionsTable } from "./predictions.ts";

/** A bundle read and checked: its header and its sections as tables. */
export interface DecodedBundle {
  /** What messages call the bundle (a file name). */
  name: string;
  header: BundleHeader;
  files: FilesTable;
  epochs: EpochsTable;
  equity: EquityTable;
  predictions?: PredictionsTable;
  /** The experiments' files (the `experiments` section), keyed by experiment name; absent when the bundle has none. */
  experiments?: FilesTable;
  /** The registered models' files (the `registry` section), keyed by model name; absent when the bundle has none. */
  registry?: FilesTable;
  /** The studies' journals (the `studies` section), keyed by study name; absent when the bundle has none. */
  studies?: FilesTable;
}

/** Where a derived run file comes from: metrics.jsonl, equity.json or predictions/<split>.parquet. */
export type Derived = { section: "epochs" } | { section: "equity" } | { section: "predictions"; split: string };

/** The section that rebuilds a run file that is not carried byte for byte, or undefined for any other path. */
export function derivedFrom(path: string): Derived | undefined {
  if (path === "metrics.jsonl") return { section: "epochs" };
  if (path === "equity.json") return { section: "equity" };
  const split = /^predictions\/([^/]+)\.parquet$/.exec(path)?.[1];
  return split ? { section: "predictions", split } : undefined;
}

/**
 * Reads a bundle's bytes (see docs/bundle.md) and checks that it holds together: every file the
 * header lists for a run (or an experiment) is in a section, and every section's rows belong to a
 * listed run (or experiment). Anything else is a DataError naming `name` and what is wrong.
 */
export function decodeBundle(bytes: Uint8Array, name = "bundle"): DecodedBundle {
  const { header, sections } = unpackBundle(bytes, name);
  const bundle: DecodedBundle = {
    name,
    header,
    files: new FilesTable(sections.files, `${name}: section files`),
    epochs: new EpochsTable(sections.epochs, `${name}: section epochs`),
    equity: new EquityTable(sections.equity, `${name}: section equity`),
    predictions: sections.predictions ? new PredictionsTable(sections.predictions, `${name}: section predictions`) : undefined,
    experiments: checkExperiments(header, sections.experiments, name),
    registry: checkRegistry(header, sections.registry, name),
    studies: checkStudies(header, sections.studies, name),
  };
  const listed = new Map(header.runs.map((r) => [r.id, new Set(r.files)]));
  const fail = (why: string) => new DataError(`${name}: ${why}`, { file: name });
  for (const run of header.runs) {
    for (const path of run.files) {
      if (!available(bundle, run.id, path)) throw fail(`run ${run.id} lists ${path}, but no section holds it`);
    }
  }
  for (const [run, path] of bundle.files.entries()) {
    if (!listed.get(run)?.has(path)) throw fail(`section files holds ${run}/${path}, which the header does not list`);
  }
  for (const [section, runs] of [["epochs", bundle.epochs.runs()], ["equity", bundle.equity.runs()]] as const) {
    const missing = runs.find((run) => !listed.has(run));
    if (missing) throw fail(`section ${section} holds rows of run ${missing}, which the header does not list`);
  }
  return bundle;
}

/** Whether a bundle can give back a run's file. */
function available(bundle: DecodedBundle, runId: string, path: string): boolean {
  if (bundle.files.has(runId, path)) return true;
  const derived = derivedFrom(path);
  if (derived?.section === "epochs") return bundle.epochs.has(runId);
  if (derived?.section === "equity") return bundle.equity.has(runId);
  if (derived?.section === "predictions") return bundle.predictions?.has(runId, derived.split) ?? false;
  return false;
}
