import { DataError, NotFoundError } from "../errors.ts";
import { JournalOp, type JournalStore, replay } from "../tune/journal.ts";
import { journalSource } from "../tune/study.ts";
import type { StudyReader } from "./studies.ts";

/** What importing studies did, by study name; `skipped` and `damaged` lines read `<name>: why`. */
export interface StudyImportResult {
  /** Not in the store before: created with the bundle's journal. */
  imported: string[];
  /** In the store as an earlier part of the bundle's journal: the bundle's later lines appended. */
  extended: string[];
  /** In the store with the same journal: nothing to do. */
  identical: string[];
  /** In the store with another journal (changed there, or newer than the bundle's): kept as it is. */
  skipped: string[];
  /** Journals of the bundle that do not replay: not written. */
  damaged: string[];
}

/** How one study went, for progress lines. */
export type StudyImportOutcome = "imported" | "extended" | "identical" | "skipped" | "damaged";

/**
 * Writes a bundle's studies into a journal store. Each journal is replayed first: one that does not replay is named
 * and left out, the others imported. The rest happens in one `transact` per study, so it is decided on the journal
 * as it is under the study's lock (a worker tuning it at the same moment is never raced): a study the store lacks is
 * created with the bundle's lines; one whose stored journal equals the bundle's is left alone; one whose stored
 * journal is an earlier part of the bundle's (the bundle is newer) gets the bundle's later lines appended; any other
 * (changed in the store, or newer there) is kept as it is and named. A stored study is never rewritten, only
 * appended to. Lines compare as they are or as the store would write them, so a journal written by another
 * serialiser still compares equal after its first import.
 *
 * @example
 * ```ts
 * const { imported, skipped } = await importStudies(new BundleStudyReader(bundle), new DiskJournalStore("experiments/studies"));
 * ```
 */
export async function importStudies(
  from: StudyReader,
  to: JournalStore,
  options: { names?: readonly string[]; onStudy?: (name: string, outcome: StudyImportOutcome, detail: string) => void } = {},
): Promise<StudyImportResult> {
  const result: StudyImportResult = { imported: [], extended: [], identical: [], skipped: [], damaged: [] };
  for (const name of options.names ?? (await from.list())) {
    const text = await from.read(name);
    if (text === undefined) throw new NotFoundError(`No study ${name} in the bundle to import`);
    let lines: string[];
    try {
      replay(text, journalSource(name));
      lines = completeLines(text);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      result.damaged.push(`${name}: ${error.message}`);
      options.onStudy?.(name, "damaged", `not imported: ${error.message}`);
      continue;
    }
    // replay checked every complete line, so each parses; `canonical` is how the store's transact writes it
    const ops = lines.map((line) => JournalOp.parse(JSON.parse(line)));
    const canonical = ops.map((op) => JSON.stringify(op));
    const { outcome, detail } = await to.transact<{ outcome: Exclude<StudyImportOutcome, "damaged">; detail: string }>(name, (stored) => {
      if (stored === undefined) return { ops, result: { outcome: "imported", detail: `created, ${lines.length} journal lines` } };
      const mine = completeLines(stored);
      const differs = mine.findIndex((line, i) => i >= lines.length || (line !== lines[i] && line !== canonical[i]));
      if (differs >= 0) {
        const why = differs >= lines.length
          ? `the stored journal is newer (${mine.length} lines, the bundle's ${lines.length})`
          : `the stored journal differs from the bundle's at line ${differs + 1}`;
        return { ops: [], result: { outcome: "skipped", detail: `${why}; the stored study is kept as it is` } };
      }
      if (mine.length === lines.length) return { ops: [], result: { outcome: "identical", detail: "already there, the same journal" } };
      return {
        ops: ops.slice(mine.length),
        result: { outcome: "extended", detail: `the bundle's journal is newer: ${lines.length - mine.length} lines appended to the stored ${mine.length}` },
      };
    });
    if (outcome === "skipped") result.skipped.push(`${name}: ${detail}`);
    else result[outcome].push(name);
    options.onStudy?.(name, outcome, detail);
  }
  return result;
}

/** A journal's lines that end with a newline: text after the last one is a write cut short, not part of it (as replay reads it). */
function completeLines(text: string): string[] {
  const lines = text.split("\n");
  lines.pop();
  return lines;
}
