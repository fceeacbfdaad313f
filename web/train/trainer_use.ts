import type { ModelPlugin } from "../../core/model.ts";

/** The Trainer form and progress line for one model: settings to hide, what some settings mean for it, and what an epoch is called. */
export interface TrainerView {
  unused: readonly string[];
  notes: Record<string, string>;
  /** "epoch", or the model's word for it ("boosting round"). */
  unit: string;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * From the plugin's `trainerSettings` (core/model.ts): trees hide `batch_size`, and their `epochs` and `patience` say
 * that they count rounds. The settings keep their names, as in config files and `mf train`.
 */
export function trainerView(plugin: Pick<ModelPlugin, "trainerSettings">): TrainerView {
  const use = plugin.trainerSettings;
  const unit = use?.epoch ?? "epoch";
  const notes: Record<string, string> = use?.epoch
    ? {
      epochs: `${unit}s: the most ${unit}s to run`,
      patience: `${unit}s without a better val loss before stopping`,
      restore_best: `put back the model of the best ${unit}`,
    }
    : {};
  return { unused: use?.unused ?? NONE, notes, unit };
}
