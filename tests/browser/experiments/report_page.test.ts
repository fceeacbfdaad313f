import { afterEach, describe, expect, it } from "vitest";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel, readVersion } from "../../../core/model_registry/read.ts";
import type { ExperimentReportPage } from "../../../web/experiments/report_page.ts";
import "../../../web/experiments/report_page.ts";
import { IdbExperimentStore } from "../../../web/idb_experiments.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";
import { choose, deep, deepAll, waitFor } from "../runs/dom.ts";

// The app's experiment page in Chromium over a report the real code built, kept in IndexedDB as the
// experiments page keeps it: each horizon's best model is registered from beside "Best on validation".
let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

describe("mf-experiment-page", () => {
  it("registers a horizon's best model (the run the report names) as a version whose lineage keeps the experiment cell", async () => {
    const xp = await fakeExperiment({ labels: ["logistic", "mlp"], horizons: [5, 20], seeds: [1] });
    const db = `t-${crypto.randomUUID()}`;
    const experiments = await IdbExperimentStore.open(db);
    for (const path of await xp.experiments.files(xp.name)) await experiments.records.write(xp.name, path, await xp.experiments.read(xp.name, path));
    const registry = new MemoryRegistryStore();
    const el = document.createElement("mf-experiment-page") as ExperimentReportPage;
    Object.assign(el, { db, name: xp.name, runs: xp.runs, modelRegistry: registry });
    document.body.append(el);
    mounted.push(el);

    const best = xp.report.horizons.find((h) => h.horizon === 20)!.best!;
    await waitFor(el, "mf-register-form");
    await expect.poll(() => deepAll(el, "mf-register-form").map((f) => deepAll(f, "button").map((b) => b.textContent!.trim()))).toEqual([
      ["Register the best model of horizon 5"],
      ["Register the best model of horizon 20"],
    ]);
    // each sits in its horizon's section, under the best model
    const h20 = deep(el, 'section[data-horizon="20"]');
    expect(h20.querySelector(".best-model + mf-register-form")).not.toBeNull();
    deep(h20, "mf-register-form").shadowRoot!.querySelector("button")!.click();
    const name = await waitFor<HTMLInputElement>(el, "#register-name");
    expect(name.value).toBe(`${xp.name}-h20`);
    choose(deep(el, "#register-alias"), "challenger");
    deep<HTMLFormElement>(el, "form").requestSubmit();
    await expect.poll(() => deepAll(el, '[data-testid="registered"]').map((p) => p.textContent)).toEqual([
      `Registered as ${xp.name}-h20 version 1 (${xp.name}-h20@challenger).`,
    ]);
    const version = await readVersion(registry, `${xp.name}-h20`, 1);
    expect([version.run_id, version.lineage.experiment?.name, version.lineage.experiment?.label]).toEqual([best.run_id, xp.name, best.label]);
    expect((await readModel(registry, `${xp.name}-h20`)).aliases).toEqual({ challenger: 1 });
    experiments.records.close();
  });

  it("shows no Register button without a registry (a page that keeps none)", async () => {
    const xp = await fakeExperiment({ labels: ["logistic"], horizons: [5], seeds: [1] });
    const db = `t-${crypto.randomUUID()}`;
    const experiments = await IdbExperimentStore.open(db);
    for (const path of await xp.experiments.files(xp.name)) await experiments.records.write(xp.name, path, await xp.experiments.read(xp.name, path));
    const el = document.createElement("mf-experiment-page") as ExperimentReportPage;
    Object.assign(el, { db, name: xp.name });
    document.body.append(el);
    mounted.push(el);
    await waitFor(el, ".best-model");
    expect(deepAll(el, "mf-register-form")).toEqual([]);
    experiments.records.close();
  });
});
