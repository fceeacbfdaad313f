import type { TimeSplitConfig } from "../../core/config/dataset.ts";
import { ConfigError } from "../../core/errors.ts";
import { fullName } from "../../core/model.ts";
import type { Registry } from "../../core/registry.ts";
import { resolveRun } from "../../core/train/resolve.ts";
import { type CreateStudyOp, StudyName } from "../../core/tune/journal.ts";
import { OBJECTIVE_DIRECTION, type ObjectiveName } from "../../core/tune/objective.ts";
import { parsePrunerFlag, type PRUNER_CHOICES } from "../../core/tune/pruners/flag.ts";
import { makeSampler, type SAMPLER_CHOICES } from "../../core/tune/samplers/make.ts";
import { gridPoints } from "../../core/tune/samplers/grid.ts";
import { type RunSettings, validateSpace } from "../../core/tune/space.ts";

/**
 * The heartbeat timeout of studies made in the browser: a trial silent this long is judged failed and its slot run
 * again. A reload or a closed tab ends its worker at once, so a short timeout lets a resumed study go on within
 * seconds; a trial whose single epoch blocks its worker longer than this (tfjs on the CPU does not yield between
 * batches) could be judged lost by another tab meanwhile, so very slow epochs want a longer one (`mf tune --heartbeat`).
 */
export const BROWSER_HEARTBEAT_S = 10;

/** What the Tune form chose. */
export interface TuneChoice {
  name: string;
  /** The model's full name (it must declare a searchSpace). */
  model: string;
  horizon: number;
  /** Trials until the study is complete (the study's total, counted over every tab that tunes it). */
  budget: number;
  sampler: (typeof SAMPLER_CHOICES)[number];
  pruner: (typeof PRUNER_CHOICES)[number];
  objective: ObjectiveName;
  /** Trainer settings as the form gives them (the seed among them is the study's seed). */
  trainer: Record<string, unknown>;
  /** The time split of one file; absent for three split files. */
  split?: TimeSplitConfig;
  /** The data files' names, kept in the study's settings for the record. */
  files: string[];
}

/**
 * The create_study line of a new study from the page's choice, as `mf tune` makes it: the plugin's own search space,
 * the median pruner with the CLI's warm-up, the settings a worker follows (seed, heartbeat, base run settings).
 * A name that is not a valid study name, a model without a search space, a budget past the grid's points or a bad
 * setting is a ConfigError naming it; nothing is stored.
 */
export function studyHeader(choice: TuneChoice, registry: Registry, at: string): CreateStudyOp {
  const name = StudyName.safeParse(choice.name);
  if (!name.success) throw new ConfigError(`Study name "${choice.name}" is not allowed: ${name.error.issues[0].message}`, { key: "study", value: choice.name });
  if (!Number.isInteger(choice.budget) || choice.budget < 1) {
    throw new ConfigError(`Trials must be a whole number of at least 1, got ${choice.budget}`, { key: "trials", value: choice.budget });
  }
  const plugin = registry.get(choice.model);
  if (!plugin.searchSpace) throw new ConfigError(`Model ${choice.model} declares no search space to tune`, { key: "model", value: choice.model });
  const space = validateSpace(plugin.searchSpace, `${plugin.name}'s searchSpace`, plugin.configSchema as never);
  const base: RunSettings = { params: {}, dataset: { horizon: choice.horizon, ...(choice.split ? { split: choice.split } : {}) }, trainer: choice.trainer };
  const seed = resolveRun({ plugin, ...base }).trainer.seed;
  const direction = OBJECTIVE_DIRECTION[choice.objective];
  // a sampler that cannot search this space (grid over a float without a step) fails here, before the study exists
  makeSampler(choice.sampler).sample(space, [], { direction, number: 0, seed });
  if (choice.sampler === "grid" && choice.budget > gridPoints(space).length) {
    throw new ConfigError(`Trials ${choice.budget} is more than the grid's ${gridPoints(space).length} points; ask for at most that many`, { key: "trials" });
  }
  return {
    op: "create_study",
    name: choice.name,
    model: fullName(plugin),
    horizon: choice.horizon,
    direction,
    objective: choice.objective,
    space,
    sampler: choice.sampler,
    pruner: parsePrunerFlag(choice.pruner),
    settings: { seed, heartbeat_s: BROWSER_HEARTBEAT_S, base, data: choice.files },
    at,
  };
}
