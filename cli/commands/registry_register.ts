import { basename, dirname, join } from "node:path";
import { NotFoundError } from "../../core/errors.ts";
import { registerRun } from "../../core/model_registry/register.ts";
import { required } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { CREATED_BY, parseSub, parseTags, report } from "./registry_args.ts";

const flags = {
  run: { type: "string" },
  runs: { type: "string" },
  name: { type: "string" },
  alias: { type: "string", multiple: true },
  tag: { type: "string", multiple: true },
  description: { type: "string" },
  note: { type: "string" },
} as const;

/** Usage of `mf registry register`. */
export const registerUsage =
  `mf registry register --run RUN_DIR_OR_ID --name NAME [--alias A ...] [--tag k=v ...] [--description TEXT] [--note TEXT] [--runs experiments/runs]`;

/** `mf registry register`: a finished run becomes the next version of NAME (its model files copied into the registry). */
export async function registerCommand(args: string[]): Promise<void> {
  const { values: f, store } = parseSub("register", args, flags, [], registerUsage);
  if (f.help) return console.log(registerUsage);
  const run = required("registry register", "run", f.run), name = required("registry register", "name", f.name);
  const { runs, runId } = await findRun(run, f.runs);
  const result = await registerRun(store, runs, runId, {
    name,
    aliases: f.alias,
    tags: parseTags(f.tag),
    description: f.description,
    note: f.note,
    createdBy: CREATED_BY,
  });
  report(
    f.json,
    `Registered run ${runId} as ${result.name}/${result.version}${result.aliases.length ? ` (${result.aliases.map((a) => `@${a}`).join(", ")})` : ""} in ${
      store.location(result.name)
    }`,
    result,
  );
}

/** A run given as its folder (holding run.json) or as an id in the runs folder. */
export async function findRun(run: string, runsFlag: string | undefined): Promise<{ runs: DiskRunStore; runId: string }> {
  const trimmed = run.replace(/\/+$/, "");
  const isDir = await Deno.stat(join(trimmed, "run.json")).then(() => true, () => false);
  if (!isDir && /[\\/]/.test(run)) throw new NotFoundError(`No run at ${run} (it has no run.json)`);
  return isDir
    ? { runs: new DiskRunStore(dirname(trimmed)), runId: basename(trimmed) }
    : { runs: new DiskRunStore(runsFlag ?? join("experiments", "runs")), runId: run };
}
