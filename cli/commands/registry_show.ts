import { listModels } from "../../core/model_registry/list.ts";
import { parseModelRef } from "../../core/model_registry/names.ts";
import { aliasesOf, readModel, readVersion, readVersions, resolveVersion } from "../../core/model_registry/read.ts";
import type { ModelVersion } from "../../core/model_registry/records.ts";
import { table } from "../summary.ts";
import { parseSub, report } from "./registry_args.ts";

/** Usage of `mf registry list`, `show` and `history`. */
export const listUsage = "mf registry list";
/** Usage of `mf registry show`. */
export const showUsage = "mf registry show NAME[@ALIAS|/VERSION]";
/** Usage of `mf registry history`. */
export const historyUsage = "mf registry history NAME";

const fmt = (v: number | undefined) => (v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(4));

/** Prints each unreadable record on stderr: the rest of the registry is still shown. */
function warn(problems: readonly string[]): void {
  for (const problem of problems) console.error(`warning: ${problem.replace(/\n/g, "\n  ")}`);
}

/** `mf registry list`: every registered model with its versions and aliases. */
export async function listCommand(args: string[]): Promise<void> {
  const { values: f, store } = parseSub("list", args, {}, [], listUsage);
  if (f.help) return console.log(listUsage);
  const { models, problems } = await listModels(store);
  warn(problems);
  const rows = models.map((m) => [
    m.name,
    m.versions.join(",") || "-",
    Object.entries(m.aliases).map(([a, v]) => `${a}->${v}`).join(" ") || "-",
    m.updated_at.slice(0, 19),
    m.description,
  ]);
  const human = models.length ? table([["model", "versions", "aliases", "updated", "description"], ...rows]) : `No registered models in ${store.root}`;
  report(f.json, human, { models, problems });
}

/** One version as `show` gives it: number, run, aliases, scalar metrics; with `detail`, its signature, lineage and tags. */
function versionEntry(v: ModelVersion, aliases: string[], detail: boolean) {
  return {
    version: v.version,
    run_id: v.run_id,
    model: v.lineage.model,
    aliases,
    metrics: v.lineage.metrics,
    created_at: v.created_at,
    tags: v.tags,
    ...(detail ? { signature: v.signature, lineage: v.lineage, prepare: v.prepare, runs: v.runs } : {}),
  };
}

/** `mf registry show NAME[@ALIAS|/VERSION]`: a model's versions, or one version's lineage and signature. */
export async function showCommand(args: string[]): Promise<void> {
  const { values: f, positionals, store } = parseSub("show", args, {}, ["NAME[@ALIAS|/VERSION]"], showUsage);
  if (f.help) return console.log(showUsage);
  const ref = parseModelRef(positionals[0]);
  const model = await readModel(store, ref.name);
  if (ref.alias === undefined && ref.version === undefined) {
    const { versions, problems } = await readVersions(store, ref.name);
    warn(problems);
    const entries = versions.map((v) => versionEntry(v, aliasesOf(model, v.version), false));
    const human = [
      `${model.name}${model.description ? `: ${model.description}` : ""}  (${store.location(model.name)})`,
      table([
        ["version", "run", "model", "aliases", "test f1_macro", "test sharpe", "created"],
        ...entries.map((e) => [
          String(e.version),
          e.run_id,
          e.model,
          e.aliases.join(",") || "-",
          fmt(e.metrics.test?.f1_macro),
          fmt(e.metrics.test?.sharpe),
          e.created_at.slice(0, 19),
        ]),
      ]),
    ].join("\n");
    return report(f.json, human, { name: model.name, description: model.description, tags: model.tags, versions: entries, aliases: model.aliases, problems });
  }
  const number = await resolveVersion(store, ref);
  const v = await readVersion(store, ref.name, number);
  const entry = versionEntry(v, aliasesOf(model, number), true);
  const l = v.lineage;
  const human = [
    `${v.name}/${v.version}${entry.aliases.length ? ` (${entry.aliases.map((a) => `@${a}`).join(", ")})` : ""}: ${l.model}, registered ${v.created_at}`,
    `  run          ${v.run_id}${l.members ? ` (ensemble of ${l.members.join(", ")})` : ""}${
      l.imported_from ? `; imported from ${l.imported_from.name}/${l.imported_from.version}` : ""
    }`,
    ...(l.experiment ? [`  experiment   ${l.experiment.name} (cell ${l.experiment.cell_id}, ${l.experiment.label})`] : []),
    `  data         ${Object.entries(l.dataset.files).map(([s, file]) => `${s} ${file.name} (${file.rows} rows)`).join(", ")}`,
    `  signature    ${v.signature.features.length} features (${v.signature.features.slice(0, 4).join(", ")}${
      v.signature.features.length > 4 ? ", ..." : ""
    }), horizon ${v.signature.horizon}, window ${v.signature.window_length}, classes ${v.signature.classes.join(" ")}`,
    `  metrics      val f1_macro ${fmt(l.metrics.val?.f1_macro)} sharpe ${fmt(l.metrics.val?.sharpe)}; test f1_macro ${fmt(l.metrics.test?.f1_macro)} sharpe ${
      fmt(l.metrics.test?.sharpe)
    }`,
    `  toolkit      ${Object.entries(l.versions).map(([k, x]) => `${k} ${x}`).join(", ")}`,
    ...(Object.keys(v.tags).length ? [`  tags         ${Object.entries(v.tags).map(([k, x]) => `${k}=${x}`).join(", ")}`] : []),
  ].join("\n");
  report(f.json, human, { name: model.name, versions: [entry], aliases: model.aliases });
}

/** `mf registry history NAME`: every alias move, oldest first. */
export async function historyCommand(args: string[]): Promise<void> {
  const { values: f, positionals, store } = parseSub("history", args, {}, ["NAME"], historyUsage);
  if (f.help) return console.log(historyUsage);
  const model = await readModel(store, parseModelRef(positionals[0]).name);
  const version = (v: number | null) => (v === null ? "-" : String(v));
  const human = model.history.length
    ? table([["at", "alias", "from", "to", "note"], ...model.history.map((h) => [h.at, h.alias, version(h.from), version(h.to), h.note])])
    : `${model.name} has no alias history`;
  report(f.json, human, { name: model.name, history: model.history });
}
