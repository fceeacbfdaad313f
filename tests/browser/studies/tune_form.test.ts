import { afterEach, describe, expect, it } from "vitest";
import { registry } from "../../../models/index.ts";
import "../../../web/studies/tune_form.ts";
import { choose, deepAll, settle, waitFor } from "../runs/dom.ts";

// <mf-tune-form> in Chromium: its Trainer form follows the chosen model as the Train page's does.
let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

/** The Trainer form's field labels and its "not used" line. */
function trainerForm(el: HTMLElement): { labels: string[]; unused: string } {
  const form = deepAll(el, "mf-schema-form").find((f) => (f as HTMLElement & { legend: string }).legend.startsWith("Trainer"))!;
  const labels = deepAll(form, "label").map((l) => l.textContent!.trim());
  return { labels, unused: deepAll(form, "[data-testid=unused]").map((p) => p.textContent!.trim()).join("") };
}

describe("mf-tune-form", () => {
  it("hides the trainer settings a model does not use and says so; a network shows them all", async () => {
    const el = Object.assign(document.createElement("mf-tune-form"), { registry });
    document.body.append(el);
    mounted.push(el);
    const model = await waitFor<HTMLSelectElement>(el, "select#model");
    await settle();
    expect(trainerForm(el).labels.some((l) => l.startsWith("batch_size"))).toBe(true);
    expect(trainerForm(el).unused).toBe("");

    choose(model, "trees:gbdt");
    await settle();
    expect(trainerForm(el).labels.some((l) => l.startsWith("batch_size"))).toBe(false);
    expect(trainerForm(el).unused).toBe("Not used by this model: batch_size.");
  });
});
