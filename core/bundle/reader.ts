import { NotFoundError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { type DecodedBundle, derivedFrom } from "./decode.ts";
import type { BundleHeader } from "./format.ts";

/**
 * A RunReader over a decoded bundle: each run's files read as they did in the run's folder
 * (metrics.jsonl, equity.json and predictions rebuilt from their Arrow tables), so every run view
 * and `mf predict` work on an imported or viewed bundle unchanged.
 */
export class BundleRunReader implements RunReader {
  private readonly runs: Map<string, string[]>;
  private readonly text = new TextEncoder();

  constructor(private readonly bundle: DecodedBundle) {
    this.runs = new Map(bundle.header.runs.map((r) => [r.id, [...r.files].sort()]));
  }

  /** The bundle's header: title, when and by what it was made, what it holds. */
  get header(): BundleHeader {
    return this.bundle.header;
  }

  async list(): Promise<string[]> {
    return [...this.runs.keys()];
  }

  async files(runId: string): Promise<string[]> {
    return [...this.paths(runId)];
  }

  async read(runId: string, path: string): Promise<Uint8Array> {
    if (!this.paths(runId).includes(path)) throw new NotFoundError(`Run ${runId} has no ${path} in ${this.bundle.name}`);
    const carried = this.bundle.files.get(runId, path);
    if (carried) return carried;
    // decodeBundle checked that every listed file is in a section, so one of these holds it
    const derived = derivedFrom(path)!;
    if (derived.section === "epochs") return this.text.encode(this.bundle.epochs.jsonl(runId)!);
    if (derived.section === "equity") return this.text.encode(this.bundle.equity.json(runId)!);
    return this.bundle.predictions!.parquet(runId, derived.split)!;
  }

  private paths(runId: string): string[] {
    const paths = this.runs.get(runId);
    if (!paths) throw new NotFoundError(`No run ${runId} in ${this.bundle.name}`);
    return paths;
  }
}
