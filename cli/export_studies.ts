import { studiesOfRuns } from "../core/bundle/studies.ts";
import { NotFoundError } from "../core/errors.ts";
import { DiskJournalStore } from "./disk_journal.ts";

/** The studies folder's name beside the runs folder (experiments/studies for experiments/runs), where `mf tune` keeps them. */
export const STUDIES_FOLDER = "studies";

/**
 * The tuning studies `mf export` carries from `dir`: every readable study when all runs are exported, otherwise those
 * with a trial whose run is exported (studiesOfRuns). A journal that cannot be replayed is named and left out. A
 * missing folder carries nothing, unless it was named with --studies, which is then an error.
 */
export async function studiesToCarry(
  dir: string,
  options: { named: boolean; exported: ReadonlySet<string>; all: boolean; log: (line: string) => void },
): Promise<{ store: DiskJournalStore; names: string[] } | undefined> {
  const exists = await Deno.stat(dir).then(() => true, (error) => {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  });
  if (!exists) {
    if (options.named) throw new NotFoundError(`--studies ${dir}: no such folder`);
    return undefined;
  }
  const store = new DiskJournalStore(dir);
  const names = await studiesOfRuns(store, {
    runs: options.exported,
    all: options.all,
    onLeftOut: (name, why) => options.log(`Study ${name} is left out (unreadable): ${why}`),
  });
  return { store, names };
}
