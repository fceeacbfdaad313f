import { patiencePruner } from "./patience.ts";
import { percentilePruner } from "./percentile.ts";
import type { Pruner, PrunerConfig } from "./pruner.ts";
import { successiveHalvingPruner } from "./successive_halving.ts";

/** The pruner a configuration names. */
export function makePruner(config: PrunerConfig): Pruner {
  switch (config.name) {
    case "median":
    case "percentile":
      return percentilePruner(config);
    case "asha":
      return successiveHalvingPruner(config);
    case "patience":
      return patiencePruner(config, config.wrapped ? makePruner(config.wrapped) : undefined);
    default:
      return config satisfies never;
  }
}
