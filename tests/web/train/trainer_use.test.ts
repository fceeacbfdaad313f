import { describe, expect, it } from "vitest";
import { TrainerConfig } from "../../../core/config/trainer.ts";
import { plugins, registry } from "../../../models/index.ts";
import { trainerView } from "../../../web/train/trainer_use.ts";

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
