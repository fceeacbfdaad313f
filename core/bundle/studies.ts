import { DataError, NotFoundError } from "../errors.ts";
import { type JournalStore, replay, type Study } from "../tune/journal.ts";
import { journalSource } from "../tune/study.ts";
import type { FilesTable, RunFile } from "./files.ts";
import type { BundleHeader, BundleStudy } from "./format.ts";
import { checkKeyedSection } from "./keyed_files.ts";

/**
 * Tuning studies in a bundle: each study's journal (docs/study_journal.md) carried as its text, byte for byte, in the
 * `studies` section, listed in the header's `studies`. Packed from any journal store (the disk, IndexedDB), read back
 * by BundleStudyReader, which the viewer replays into the study views.
 */

/** The journal's path inside a study's entry (the file name `mf tune` writes on disk). */
export const STUDY_JOURNAL = "journal.jsonl";

/** What packing and viewing read of a journal store: the names and each journal's text. */
export type StudyReader = Pick<JournalStore, "read" | "list">;

/**
 * Reads the named studies' journals for packing, each replayed first so that a journal with a corrupt line is a
 * DataError naming its study and line, not a bundle the viewer cannot show; a missing study is a NotFoundError.
 *
 * @example
 * ```ts
 * const { entries, files } = await readStudies(journalStore, ["lr-search"]);
 * ```
 */
export async function readStudies(
  reader: StudyReader,
  names: readonly string[],
  onStudy?: (name: string, trials: number) => void,
): Promise<{ entries: BundleStudy[]; files: RunFile[] }> {
  const entries: BundleStudy[] = [], files: RunFile[] = [];
  for (const name of [...new Set(names)].sort()) {
    const text = await reader.read(name);
    if (text === undefined) throw new NotFoundError(`No study ${name} in the studies store`);
    const study = replay(text, journalSource(name));
    files.push({ id: name, path: STUDY_JOURNAL, data: new TextEncoder().encode(text) });
    entries.push({ name, files: [STUDY_JOURNAL] });
    onStudy?.(name, study.trials.length);
  }
  return { entries, files };
}

/**
 * The studies that go with exported runs: every study that replays when every run is exported (`all`), otherwise those
 * with a trial whose run (or one of whose cross-validation runs) is exported. A journal that does not replay is left
 * out and named through `onLeftOut`, so one bad study never stops an export.
 *
 * @example
 * ```ts
 * const names = await studiesOfRuns(journalStore, { runs: new Set(picked), all: false, onLeftOut: (name, why) => warn(name, why) });
 * ```
 */
export async function studiesOfRuns(
  reader: StudyReader,
  options: { runs: ReadonlySet<string>; all: boolean; onLeftOut?: (name: string, why: string) => void },
): Promise<string[]> {
  const names: string[] = [];
  for (const name of await reader.list()) {
    const text = await reader.read(name);
    if (text === undefined) continue; // removed since it was listed
    let study: Study;
    try {
      study = replay(text, journalSource(name));
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      options.onLeftOut?.(name, error.message);
      continue;
    }
    const exported = (id: string | undefined) => id !== undefined && options.runs.has(id);
    if (options.all || study.trials.some((t) => exported(t.run_id) || (t.runs ?? []).some(exported))) names.push(name);
  }
  return names;
}

/** The checks decodeBundle makes of the studies section (see checkKeyedSection); undefined for a bundle without one. */
export function checkStudies(header: BundleHeader, section: Uint8Array | undefined, name: string): FilesTable | undefined {
  return checkKeyedSection(header.studies ?? [], section, name, { key: "study", section: "studies", required: STUDY_JOURNAL });
}

/** A bundle's studies as a read-only journal store: each study's journal text as it was packed. For the viewer and import. */
export class BundleStudyReader implements StudyReader {
  private readonly names: string[];

  constructor(private readonly bundle: { name: string; header: BundleHeader; studies?: FilesTable }) {
    this.names = (bundle.header.studies ?? []).map((s) => s.name).sort();
  }

  list(): Promise<string[]> {
    return Promise.resolve([...this.names]);
  }

  /** The journal's text, or undefined when the bundle has no study of that name. */
  read(name: string): Promise<string | undefined> {
    // decodeBundle checked that the section holds every listed journal
    const bytes = this.names.includes(name) ? this.bundle.studies!.get(name, STUDY_JOURNAL)! : undefined;
    return Promise.resolve(bytes && new TextDecoder().decode(bytes));
  }

  /** The study replayed from its journal; a NotFoundError naming the bundle's studies when it has none of that name. */
  async study(name: string): Promise<Study> {
    const text = await this.read(name);
    if (text === undefined) throw new NotFoundError(`No study ${name} in ${this.bundle.name} (studies: ${this.names.join(", ") || "none"})`);
    return replay(text, journalSource(name));
  }
}
