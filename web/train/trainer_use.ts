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

/**
 * Notes for a Trainer form shared by several models (an experiment's): each setting some of them ignore names them
 * ("not used by trees:gbdt, trees:forest"), and `epochs` and `patience` name the models that count something else
 * ("trees:gbdt counts boosting rounds"). Nothing is hidden: the other models use every setting.
 */
export function sharedTrainerNotes(plugins: readonly (Pick<ModelPlugin, "trainerSettings"> & { name: string })[]): Record<string, string> {
  const notes: Record<string, string[]> = {};
  const add = (key: string, note: string) => (notes[key] ??= []).push(note);
  const settings = new Set(plugins.flatMap((p) => p.trainerSettings?.unused ?? []));
  for (const key of settings) {
    const ignoring = plugins.filter((p) => p.trainerSettings?.unused?.includes(key)).map((p) => p.name);
    add(key, `not used by ${ignoring.join(", ")}`);
  }
  for (const p of plugins) {
    const unit = p.trainerSettings?.epoch;
    if (unit) { for (const key of ["epochs", "patience"]) add(key, `${p.name} counts ${unit}s`); }
  }
  return Object.fromEntries(Object.entries(notes).map(([key, list]) => [key, list.join("; ")]));
}
