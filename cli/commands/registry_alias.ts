import { removeAlias, setAlias } from "../../core/model_registry/aliases.ts";
import { deleteVersion } from "../../core/model_registry/delete.ts";
import { checkModelName, parseModelRef } from "../../core/model_registry/names.ts";
import { ConfigError } from "../../core/errors.ts";
import { parseSub, report, versionArg } from "./registry_args.ts";

/** Usage of `mf registry alias`. */
export const aliasUsage = "mf registry alias NAME ALIAS VERSION [--note TEXT]";
/** Usage of `mf registry unalias`. */
export const unaliasUsage = "mf registry unalias NAME ALIAS [--note TEXT]";
/** Usage of `mf registry delete`. */
export const deleteUsage = "mf registry delete NAME/VERSION [--force]   (refused while an alias points at it; --force removes those aliases)";

const version = (v: number | null) => (v === null ? "nothing" : `version ${v}`);

/** `mf registry alias`: points an alias at a version (moving it), recorded in the history. */
export async function aliasCommand(args: string[]): Promise<void> {
  const { values: f, positionals, store } = parseSub("alias", args, { note: { type: "string" } }, ["NAME", "ALIAS", "VERSION"], aliasUsage);
  if (f.help) return console.log(aliasUsage);
  const [name, alias, to] = positionals;
  const move = await setAlias(store, checkModelName(name), alias, versionArg(to), { note: f.note });
  report(f.json, `${name}@${alias}: ${version(move.from)} -> ${version(move.to)}`, { name, ...move });
}

/** `mf registry unalias`: removes an alias, recorded in the history. */
export async function unaliasCommand(args: string[]): Promise<void> {
  const { values: f, positionals, store } = parseSub("unalias", args, { note: { type: "string" } }, ["NAME", "ALIAS"], unaliasUsage);
  if (f.help) return console.log(unaliasUsage);
  const [name, alias] = positionals;
  const move = await removeAlias(store, checkModelName(name), alias, { note: f.note });
  report(f.json, `${name}@${alias} removed (it pointed at ${version(move.from)})`, { name, ...move });
}

/** `mf registry delete NAME/VERSION`: deletes a version, refused while an alias points at it unless --force. */
export async function deleteCommand(args: string[]): Promise<void> {
  const { values: f, positionals, store } = parseSub("delete", args, { force: { type: "boolean" } }, ["NAME/VERSION"], deleteUsage);
  if (f.help) return console.log(deleteUsage);
  const ref = parseModelRef(positionals[0]);
  if (ref.version === undefined) {
    throw new ConfigError(`mf registry delete takes NAME/VERSION (one version), got "${positionals[0]}"`, { value: positionals[0] });
  }
  const result = await deleteVersion(store, ref.name, ref.version, { force: f.force });
  const removed = result.removed_aliases.length ? `; removed ${result.removed_aliases.map((a) => `@${a}`).join(", ")}` : "";
  report(f.json, `Deleted ${result.name}/${result.version}${removed}`, result);
}
