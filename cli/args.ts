import { parseArgs as nodeParseArgs } from "node:util";
import { closest } from "../core/config/parse.ts";
import { ConfigError } from "../core/errors.ts";

/** Flag specs: a name and whether it takes a value. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/**
 * Parses a command's flags strictly: an unknown flag is a ConfigError suggesting the closest one,
 * and positional arguments are not accepted.
 */
export function parseFlags<T extends FlagSpec>(command: string, args: string[], spec: T) {
  try {
    return nodeParseArgs({
      args: joinNegativeValues(args, spec),
      options: { ...spec, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    })
      .values;
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(-{1,2}[^' ]+)'/.exec(message)?.[1];
    const near = flag ? closest(flag.replace(/^-+/, ""), Object.keys(spec)) : undefined;
    throw new ConfigError(`mf ${command}: ${message.replace(/\. To specify a positional.*$/s, "")}${near ? ` (did you mean --${near}?)` : ""}`, { key: flag });
  }
}

/**
 * `--flag -5` as `--flag=-5` for flags that take a value: node's parser reads a value starting with a dash as
 * another flag ("argument is ambiguous"), so a negative number never reached the schema that states the range.
 * Only numbers are joined, so `--out --json` still says the value is missing.
 */
function joinNegativeValues(args: string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name && spec[name]?.type === "string" && next !== undefined && /^-(\d|\.\d|Infinity\b)/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

/**
 * An integer flag value, or undefined when the flag is absent. Ranges are left to the zod schema the
 * value goes into, so the CLI and config files report the same allowed range.
 */
export function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n)) throw new ConfigError(`--${name} must be an integer, got "${value}"`, { key: name, value });
  return n;
}

/** The value of a flag that must be given. */
export function required(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === "") throw new ConfigError(`mf ${command}: --${name} is required`, { key: name });
  return value;
}
