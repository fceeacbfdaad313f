import { parseConfig } from "../config/parse.ts";
import { WalkForwardConfig } from "../data/walk_forward.ts";
import { ConfigError } from "../errors.ts";

/**
 * Parses `--cv walk_forward:K[,window=sliding,purge=N,embargo=N]` into the walk-forward settings
 * (core/data/walk_forward.ts); `none` is null (the objective on the validation split). A bad form or value is a
 * ConfigError naming it.
 */
export function parseCvFlag(flag: string): WalkForwardConfig | null {
  if (flag === "none") return null;
  const match = /^walk_forward:(\d+)((?:,[a-z_]+=[a-z0-9]+)*)$/.exec(flag.trim());
  if (!match) {
    throw new ConfigError(`--cv must be walk_forward:K (K folds) with optional ,window=expanding|sliding,purge=N,embargo=N, or none; got "${flag}"`, {
      key: "cv",
      value: flag,
    });
  }
  const options: Record<string, unknown> = { folds: Number(match[1]) };
  for (const part of match[2].split(",").filter(Boolean)) {
    const [key, value] = part.split("=");
    options[key] = key === "window" ? value : Number(value);
  }
  return parseConfig(WalkForwardConfig, options, `--cv ${flag}`);
}
