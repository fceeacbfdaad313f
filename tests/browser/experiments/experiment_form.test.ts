import { afterEach, describe, expect, it } from "vitest";
import { registry } from "../../../models/index.ts";
import "../../../web/experiments/experiment_form.ts";
import type { ExperimentForm } from "../../../web/experiments/experiment_form.ts";
import { deepAll, settle } from "../runs/dom.ts";

// <mf-experiment-form> in Chromium: the shared Trainer form says which chosen models ignore a setting.
let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

/** The hint under a shared Trainer field. */
function trainerHint(el: HTMLElement, key: string): string {
  const form = deepAll(el, "mf-schema-form").find((f) => (f as HTMLElement & { legend: string }).legend === "Trainer")!;
  const field = deepAll(form, ".field").find((f) => f.querySelector("label")!.textContent!.trim() === key)!;
  return field.querySelector(".hint")!.textContent!.trim();
}

describe("mf-experiment-form", () => {
  it("notes under the shared trainer settings the chosen models that ignore them or count rounds", async () => {
    const el = Object.assign(document.createElement("mf-experiment-form"), { registry }) as ExperimentForm;
    document.body.append(el);
    mounted.push(el);
    await settle();
    expect(trainerHint(el, "batch_size")).not.toContain("not used");

    el.models = ["linear:logistic", "trees:gbdt"];
    await settle();
    expect(trainerHint(el, "batch_size")).toContain("not used by trees:gbdt");
    expect(trainerHint(el, "epochs")).toContain("trees:gbdt counts boosting rounds");
  });
});
