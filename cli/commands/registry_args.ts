import { join } from "node:path";
import { parseArgs as nodeParseArgs } from "node:util";
import { closest } from "../../core/config/parse.ts";
import { ConfigError } from "../../core/errors.ts";
import type { FlagSpec } from "../args.ts";
import { DiskRegistryStore } from "../disk_registry_store.ts";
import pkg from "../../package.json" with { type: "json" };

/** The registry folder when --registry is not given. */
export const DEFAULT_REGISTRY = join("experiments", "registry");

/** Who writes the registry's records. */
export const CREATED_BY = `mf registry (model-factory ${pkg.version})`;

/** The flags every registry subcommand takes. */
export const commonFlags = { registry: { type: "string" }, json: { type: "boolean" } } as const;

/**
 * Parses a registry subcommand: its flags strictly (an unknown one is a ConfigError suggesting the closest)
 * and exactly the positional arguments `names` (e.g. NAME, ALIAS, VERSION), each required.
 */
export function parseSub<T extends FlagSpec>(sub: string, args: string[], spec: T, names: readonly string[], usage: string) {
  const parse = () =>
    nodeParseArgs({ args, options: { ...spec, ...commonFlags, help: { type: "boolean", short: "h" } } as const, strict: true, allowPositionals: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(-{1,2}[^' ]+)'/.exec(message)?.[1];
    const near = flag ? closest(flag.replace(/^-+/, ""), [...Object.keys(spec), ...Object.keys(commonFlags)]) : undefined;
    throw new ConfigError(`mf registry ${sub}: ${message}${near ? ` (did you mean --${near}?)` : ""}`, { key: flag });
  }
  const { values, positionals } = parsed;
  const common = values as { help?: boolean; registry?: string };
  if (!common.help && positionals.length !== names.length) {
    const got = positionals.length ? `got ${positionals.map((p) => JSON.stringify(p)).join(", ")}` : "got none";
    throw new ConfigError(
      `mf registry ${sub} takes ${names.length ? names.join(" ") : "no arguments"} (${got}); usage: ${usage.split("\n")[0]}`,
      { key: names.join(" ") },
    );
  }
  return { values, positionals, store: new DiskRegistryStore(common.registry ?? DEFAULT_REGISTRY) };
}

/** `--tag k=v` values as a record; a tag without `=` or with an empty key is a ConfigError. */
export function parseTags(tags: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    const eq = tag.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--tag "${tag}" must be key=value`, { key: "tag", value: tag });
    out[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  return out;
}

/** A version number given on the command line (a whole number from 1). */
export function versionArg(text: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new ConfigError(`VERSION must be a whole number from 1, got "${text}"`, { key: "VERSION", value: text });
  return Number(text);
}

/** Prints the command's result: a human line (or lines), then with --json the result as the last stdout line. */
export function report(json: boolean | undefined, human: string, result: unknown): void {
  console.log(human);
  if (json) console.log(JSON.stringify(result));
}
