import { describe, expect, it } from "vitest";
import { TrainerConfig } from "../../../core/config/trainer.ts";
import { plugins, registry } from "../../../models/index.ts";
import { sharedTrainerNotes, trainerView } from "../../../web/train/trainer_use.ts";

describe("trainerView", () => {
  it("hides batch_size for trees and says that their epochs are rounds", () => {
    const gbdt = trainerView(registry.get("trees:gbdt"));
    expect(gbdt.unused).toEqual(["batch_size"]);
    expect(gbdt.unit).toBe("boosting round");
    expect(gbdt.notes.epochs).toBe("boosting rounds: the most boosting rounds to run");
    expect(trainerView(registry.get("trees:forest")).unit).toBe("round");
  });

  it("leaves networks with every setting and epochs as epochs", () => {
    expect(trainerView(registry.get("neural:mlp"))).toEqual({ unused: [], notes: {}, unit: "epoch" });
  });

  it("names only real trainer settings in every plugin", () => {
    const keys = Object.keys(TrainerConfig.shape);
    for (const plugin of plugins) for (const key of plugin.trainerSettings?.unused ?? []) expect(keys, `${plugin.name}: ${key}`).toContain(key);
  });
});

describe("sharedTrainerNotes", () => {
  const named = (name: string) => ({ ...registry.get(name), name });

  it("names the chosen models that ignore a setting or count rounds", () => {
    expect(sharedTrainerNotes(["linear:logistic", "trees:gbdt", "trees:forest"].map(named))).toEqual({
      batch_size: "not used by trees:gbdt, trees:forest",
      epochs: "trees:gbdt counts boosting rounds; trees:forest counts rounds",
      patience: "trees:gbdt counts boosting rounds; trees:forest counts rounds",
    });
  });

  it("says nothing when every chosen model uses every setting", () => {
    expect(sharedTrainerNotes(["linear:logistic", "neural:mlp"].map(named))).toEqual({});
    expect(sharedTrainerNotes([])).toEqual({});
  });
});
