import { afterEach, describe, expect, it } from "vitest";
import { replay } from "../../../core/tune/journal.ts";
import type { BestSettings } from "../../../core/tune/study_view.ts";
import type { StudyView } from "../../../web/studies/study_view.ts";
import "../../../web/studies/study_view.ts";
import { fakeStudyJournal } from "../../fixtures/fake_study.ts";
import { deep, deepAll, rowTexts, settle, waitFor } from "../runs/dom.ts";

// <mf-study-view> in Chromium over a fake study of 24 trials (trial 1 failed, trials 3, 8, 13, 18, 23 pruned).
let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

function mount(trials = 24, runHref?: (id: string) => string | undefined): StudyView {
  const runIds = Array.from({ length: trials }, (_, i) => `run-${i}`);
  const study = replay(fakeStudyJournal({ name: "lr-search", trials, runIds }), "lr-search");
  const el = document.createElement("mf-study-view") as StudyView;
  el.study = study;
  el.runHref = runHref;
  document.body.append(el);
  mounted.push(el);
  return el;
}

describe("mf-study-view", () => {
  it("draws the history, intermediate values, a slice per parameter, parallel coordinates and importances", async () => {
    const el = mount();
    await waitFor(await waitFor(el, "mf-study-chart.history"), "canvas");
    // 18 complete trials: a dot each plus the best-so-far line
    expect(deep(el, "mf-study-chart.history").dataset.points).toBe("36");
    // complete (4 steps) and pruned (2 steps) trials report; the failed one does not
    expect(deep(el, "mf-study-chart.intermediate").dataset.points).toBe(String(18 * 4 + 5 * 2));
    expect(deepAll(el, "mf-study-chart.slice").map((c) => c.dataset.param)).toEqual([
      "params.learning_rate",
      "params.l2",
      "trainer.batch_size",
      "params.activation",
      "params.dropout",
    ]);
    expect(deepAll(el, "mf-study-chart.slice")[0].shadowRoot!.textContent).toContain("learning_rate (log)");
    expect(deepAll(el, "svg.parallel path.trial")).toHaveLength(18);
    const importances = deepAll<HTMLTableRowElement>(el, "table.importances tr").map((r) => r.dataset.param);
    expect(importances[0]).toBe("params.learning_rate");
    expect(importances).toHaveLength(5);
  });

  it("marks pruned trials and the best in the trials table and links runs through runHref", async () => {
    const el = mount(24, (id) => (id === "run-0" ? undefined : `#/runs/${id}`));
    const table = await waitFor<HTMLTableElement>(el, "table.trials");
    expect(table.querySelectorAll("tr.pruned")).toHaveLength(5);
    expect(table.querySelectorAll("tr.failed")).toHaveLength(1);
    const best = table.querySelector<HTMLTableRowElement>("tr.best")!;
    expect(best.querySelector("a.run")!.getAttribute("href")).toBe(`#/runs/run-${best.dataset.trial}`);
    // a run the host cannot link is plain text
    expect(table.querySelector('tr[data-trial="0"] span.run')!.textContent).toBe("run-0");
    expect(rowTexts(table)[1]).toMatch(/^1\tfailed\t—\t0\t8\.0\t/);
  });

  it("dispatches mf-train-with and mf-add-to-experiment with the best trial's settings, and shows them to copy when nobody handles them", async () => {
    const el = mount();
    const seen: [string, BestSettings][] = [];
    const handle = (e: Event) => {
      seen.push([e.type, (e as CustomEvent<BestSettings>).detail]);
      e.preventDefault();
    };
    document.body.addEventListener("mf-train-with", handle);
    document.body.addEventListener("mf-add-to-experiment", handle);
    const buttons = await waitFor(el, ".best button");
    expect(buttons.textContent).toBe("Train with best");
    deepAll<HTMLButtonElement>(el, ".best button").forEach((b) => b.click());
    document.body.removeEventListener("mf-train-with", handle);
    document.body.removeEventListener("mf-add-to-experiment", handle);
    expect(seen.map(([type]) => type)).toEqual(["mf-train-with", "mf-add-to-experiment"]);
    const settings = seen[0][1];
    expect(settings.model).toBe("neural:mlp");
    expect(settings.dataset).toEqual({ horizon: 5 });
    expect(settings.trainer.epochs).toBe(4);
    expect(Object.keys(settings.params)).toEqual(expect.arrayContaining(["learning_rate", "l2", "activation"]));
    expect(seen[1][1]).toEqual(settings);
    await settle();
    expect(deepAll(el, "dialog")).toHaveLength(0);

    // unhandled: the element shows the experiment entry as JSON
    deepAll<HTMLButtonElement>(el, ".best button")[1].click();
    const dialog = await waitFor<HTMLDialogElement>(el, "dialog");
    expect(dialog.open).toBe(true);
    const entry = JSON.parse(dialog.querySelector("textarea")!.value);
    expect(entry).toEqual({ name: "neural:mlp", label: "tuned-lr-search", params: settings.params, trainer: settings.trainer });
    dialog.querySelector<HTMLButtonElement>("button.close")!.click();
    await expect.poll(() => deepAll(el, "dialog").length).toBe(0);
  });

  it("says why there are no importances and no charts for a study without complete trials", async () => {
    const el = mount(2);
    const reason = await waitFor(el, ".importance-reason");
    expect(reason.textContent).toBe("No importances: 1 complete trial(s); importances need at least 4.");
    expect(deepAll(el, "mf-study-chart.history")).toHaveLength(1);
    expect(deepAll(el, ".best button")).toHaveLength(2);
  });
});
