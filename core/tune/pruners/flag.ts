import { parseConfig } from "../../config/parse.ts";
import { ConfigError } from "../../errors.ts";
import { MedianPrunerConfig, type PrunerConfig, SuccessiveHalvingPrunerConfig } from "./pruner.ts";

/** The pruners `mf tune --pruner` offers by name (`none` turns pruning off). */
export const PRUNER_CHOICES = ["median", "asha", "none"] as const;

/**
 * What `mf tune --pruner median` means when no option is given: Optuna's MedianPruner with a warm-up of 2 epochs, so
 * that it first decides after the third epoch. Optuna's own default (n_warmup_steps 0) decides after the first epoch,
 * before the validation curves say much: tuning the MLP on synth it trained about a third of the epochs but lost 0.006 and
 * 0.018 of the best validation F1 on two seeds. experiments/benchmarks/pruning.md measures this default. The schema's
 * defaults stay Optuna's.
 */
export const MEDIAN_DEFAULTS = { n_warmup_steps: 2 } as const;

/**
 * Parses `--pruner NAME[:key=value,...]`: `none` is null; `median` and `asha` take the options of their
 * PrunerConfig (core/tune/pruners/pruner.ts), e.g. `median:n_warmup_steps=5,n_startup_trials=10`; `median` starts
 * from {@linkcode MEDIAN_DEFAULTS}. A bad name, option or value is a ConfigError naming it.
 */
export function parsePrunerFlag(flag: string): PrunerConfig | null {
  const colon = flag.indexOf(":");
  const name = colon < 0 ? flag : flag.slice(0, colon);
  if (!(PRUNER_CHOICES as readonly string[]).includes(name)) {
    throw new ConfigError(`--pruner must be ${PRUNER_CHOICES.join(", ")} (with :key=value options), got "${flag}"`, { key: "pruner", value: flag });
  }
  const options: Record<string, number> = {};
  for (const part of colon < 0 ? [] : flag.slice(colon + 1).split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim(), text = part.slice(eq + 1).trim();
    if (eq < 0 || !key || !text || !Number.isFinite(Number(text))) {
      throw new ConfigError(`--pruner ${flag}: options are key=number pairs separated by commas, got "${part}"`, { key: "pruner", value: flag });
    }
    options[key] = Number(text);
  }
  if (name === "none") {
    if (colon >= 0) throw new ConfigError(`--pruner none takes no options, got "${flag}"`, { key: "pruner", value: flag });
    return null;
  }
  // each pruner's own schema, so that a misspelt option is told the valid ones
  if (name === "asha") return parseConfig(SuccessiveHalvingPrunerConfig, { ...options, name }, `--pruner ${flag}`);
  return parseConfig(MedianPrunerConfig, { ...MEDIAN_DEFAULTS, ...options, name }, `--pruner ${flag}`);
}
