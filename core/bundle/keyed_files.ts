import { DataError } from "../errors.ts";
import { FilesTable } from "./files.ts";

/** What a keyed section holds: experiments (key `experiment`, section `experiments`) or registered models (key `model`, section `registry`). */
export interface KeyedKind {
  /** The word for one entry in messages and the table's key column: `experiment`, `model`. */
  key: string;
  /** The section's name in the header. */
  section: string;
  /** The file every entry must list (experiment.json, registered_model.json). */
  required: string;
}

/**
 * The checks decodeBundle makes of a section of folders keyed by name (experiments, registered models): names
 * and paths once each, the required file always listed, every listed file in the section and every file of the
 * section listed. Returns the section's table (undefined when the header lists none and there is no section).
 */
export function checkKeyedSection(
  listed: readonly { name: string; files: readonly string[] }[],
  section: Uint8Array | undefined,
  bundle: string,
  kind: KeyedKind,
): FilesTable | undefined {
  const fail = (why: string) => new DataError(`${bundle}: ${why}`, { file: bundle });
  const seen = new Set<string>();
  for (const entry of listed) {
    if (seen.has(entry.name)) throw fail(`${kind.key} ${entry.name} appears twice in the header`);
    seen.add(entry.name);
    if (!entry.files.includes(kind.required)) throw fail(`${kind.key} ${entry.name} has no ${kind.required} in its file list`);
    if (new Set(entry.files).size !== entry.files.length) throw fail(`${kind.key} ${entry.name} lists a file twice`);
  }
  if (!section) {
    if (listed.length) throw fail(`the header lists ${listed.length} ${kind.key}(s) but the bundle has no ${kind.section} section`);
    return undefined;
  }
  const table = new FilesTable(section, `${bundle}: section ${kind.section}`, kind.key);
  for (const entry of listed) {
    const missing = entry.files.find((path) => !table.has(entry.name, path));
    if (missing) throw fail(`${kind.key} ${entry.name} lists ${missing}, but the ${kind.section} section does not hold it`);
  }
  const files = new Map(listed.map((e) => [e.name, new Set(e.files)]));
  for (const [name, path] of table.entries()) {
    if (!files.get(name)?.has(path)) throw fail(`section ${kind.section} holds ${name}/${path}, which the header does not list`);
  }
  return table;
}
