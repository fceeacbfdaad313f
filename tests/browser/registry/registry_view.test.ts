import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { readModel } from "../../../core/model_registry/read.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import type { MemoryRunStore } from "../../../core/memory_store.ts";
import type { RegisterForm } from "../../../web/registry/register_form.ts";
import type { RegistryView } from "../../../web/registry/registry_view.ts";
import "../../../web/registry/register_form.ts";
import "../../../web/registry/registry_view.ts";
import { twoRuns, writeFakeRun } from "../../core/model_registry/fixtures.ts";
import { choose, deep, deepAll, rowTexts, settle, waitFor } from "../runs/dom.ts";

// The registry view (the app's Registry page and the viewer's) and the Register form, in Chromium over an
// in-memory registry: what a person reads and the changes they make, each through the core.
let runs: MemoryRunStore;
let store: MemoryRegistryStore;
let mounted: HTMLElement[] = [];

beforeEach(async () => {
  runs = await twoRuns();
  store = new MemoryRegistryStore();
  await registerRun(store, runs, "run-a", { name: "btc-h5", aliases: ["champion"], description: "BTC at H5", createdBy: "test" });
  await registerRun(store, runs, "run-b", { name: "btc-h5", createdBy: "test" });
});
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

async function mount(name: string, editable: boolean) {
  const view = document.createElement("mf-registry-view") as RegistryView;
  Object.assign(view, { reader: store, name, runIds: new Set(["run-a"]), experimentNames: new Set(["baseline"]), ...(editable ? { store } : {}) });
  document.body.append(view);
  mounted.push(view);
  return view;
}

const button = (root: HTMLElement, text: string) => deepAll<HTMLButtonElement>(root, "button").find((b) => b.textContent!.trim() === text)!;
const table = (root: HTMLElement, label: string) => deep<HTMLTableElement>(root, `table[aria-label="${label}"]`);

describe("mf-registry-view", () => {
  it("lists the models with their versions and aliases, and names a corrupt record while the rest still shows", async () => {
    await store.write("broken", "registered_model.json", "{not json");
    const view = await mount("", false);
    const models = await waitFor<HTMLTableElement>(view, 'table[aria-label="Registered models"]');
    expect(rowTexts(models)).toEqual([expect.stringMatching(/^btc-h5\tBTC at H5\t1, 2\tchampion → 1\t\d{4}-/)]);
    expect(deep<HTMLAnchorElement>(models, "a").getAttribute("href")).toBe("#/registry/btc-h5");
    expect(deep(view, 'ul[aria-label="Registry problems"]').textContent).toContain("memory://registry/broken/registered_model.json is not valid JSON");
  });

  it("shows a model's versions with metrics, lineage links (run and experiment when here), signature, aliases and history, read-only", async () => {
    const view = await mount("btc-h5", false);
    const versions = await waitFor<HTMLTableElement>(view, 'table[aria-label="Versions"]');
    expect(rowTexts(versions)).toEqual([
      expect.stringMatching(/^1\tchampion\t\S+\trun-a\tfake:constant\tbaseline · constant \(c1\)\t0\.400\t1\.50\t0\.380\t1\.20\tH5 · window 2 · 3 features$/),
      expect.stringMatching(/^2\t\t\S+\trun-b\tfake:constant\t—\t0\.400\t1\.50\t0\.380\t1\.20\tH5 · window 2 · 3 features$/),
    ]);
    // run-a is in this page's runs, run-b is not: only the first links
    expect(deepAll<HTMLAnchorElement>(versions, "a").map((a) => a.getAttribute("href"))).toEqual(["#/runs/run-a", "#/experiments/baseline"]);
    expect(deepAll(view, "dd.features").map((d) => d.textContent)).toEqual(["f_000, f_001, f_002", "f_000, f_001, f_002"]);
    expect(rowTexts(table(view, "Aliases"))).toEqual(["champion\t1\tbtc-h5@champion"]);
    expect(rowTexts(table(view, "Alias history"))).toEqual([expect.stringMatching(/^champion\t—\t1\t\S+\tregistered$/)]);
    expect(deepAll(view, "button")).toEqual([]);
    expect(deepAll(view, "input, select")).toEqual([]);
  });

  it("sets and moves aliases with a note, refuses to delete an aliased version with the core's message, then deletes it forced", async () => {
    const view = await mount("btc-h5", true);
    await waitFor(view, 'table[aria-label="Versions"]');
    await page.viewport(1300, 1000);
    const setAlias = async (alias: string, version: string, note: string) => {
      choose(deep(view, "input#alias"), alias);
      choose(deep(view, "select#alias-version"), version);
      choose(deep(view, "input#alias-note"), note);
      button(view, "Set alias").click();
      await expect.poll(() => deep(view, '[data-testid="registry-message"]').textContent).toContain(`btc-h5@${alias}`);
    };
    await setAlias("challenger", "2", "try v2");
    await setAlias("champion", "2", "beat v1 on Sharpe");
    expect(deep(view, '[data-testid="registry-message"]').textContent).toBe("btc-h5@champion moved from version 1 to 2.");
    await expect.poll(() => rowTexts(table(view, "Aliases"))).toEqual(["challenger\t2\tbtc-h5@challenger\tRemove", "champion\t2\tbtc-h5@champion\tRemove"]);
    expect(rowTexts(table(view, "Alias history")).map((r) => r.replace(/\t\d{4}-\S+\t/, "\t…\t"))).toEqual([
      "champion\t1\t2\t…\tbeat v1 on Sharpe",
      "challenger\t—\t2\t…\ttry v2",
      "champion\t—\t1\t…\tregistered",
    ]);
    // an alias the rules refuse: the core's message, nothing written
    choose(deep(view, "input#alias"), "2nd");
    button(view, "Set alias").click();
    await expect.poll(() => deepAll(view, '[role="alert"]').map((a) => a.textContent)).toEqual([
      "Alias \"2nd\" is not allowed: an alias holds up to 64 letters, digits, '_' and '-', starting with a letter",
    ]);

    const confirmed: string[] = [];
    const realConfirm = globalThis.confirm;
    globalThis.confirm = (text?: string) => (confirmed.push(text ?? ""), true);
    try {
      choose(deep(view, "select#delete-version"), "2");
      button(view, "Delete version").click();
      await expect.poll(() => deepAll(view, '[role="alert"]').map((a) => a.textContent)).toEqual([
        "Version btc-h5/2 is what btc-h5@challenger, btc-h5@champion point at: move or remove those aliases first, or delete with --force (which removes them)",
      ]);
      expect(confirmed).toHaveLength(1);
      await settle();
      await page.screenshot({ path: "../../web/screenshots/component-registry-model.png", element: view });
      button(view, "Delete version 2 and remove challenger, champion").click();
      await expect.poll(() => rowTexts(table(view, "Versions")).map((r) => r.split("\t")[0])).toEqual(["1"]);
    } finally {
      globalThis.confirm = realConfirm;
    }
    expect(deep(view, '[data-testid="registry-message"]').textContent).toBe("Version 2 deleted, with btc-h5@challenger, btc-h5@champion.");
    const model = await readModel(store, "btc-h5");
    expect(model.aliases).toEqual({});
    expect(model.history.slice(-2).map((m) => [m.alias, m.from, m.to, m.note])).toEqual([
      ["challenger", 2, null, "version 2 deleted"],
      ["champion", 2, null, "version 2 deleted"],
    ]);
    expect(deepAll(view, "table").map((t) => t.getAttribute("aria-label"))).not.toContain("Aliases");
  });
});

describe("mf-register-form", () => {
  async function form(runId: string) {
    const el = document.createElement("mf-register-form") as RegisterForm;
    Object.assign(el, { store, runs, runId, suggested: "eth-h5", label: "Register as a model version" });
    document.body.append(el);
    mounted.push(el);
    await el.updateComplete;
    button(el, "Register as a model version").click();
    await waitFor(el, "form");
    return el;
  }

  it("registers a run as a new model with an alias, and refuses a name a folder cannot hold with the allowed set", async () => {
    const el = await form("run-b");
    expect(deep<HTMLInputElement>(el, "#register-name").value).toBe("eth-h5");
    choose(deep(el, "#register-name"), "eth h5/x");
    deep<HTMLFormElement>(el, "form").requestSubmit();
    await expect.poll(() => deepAll(el, '[role="alert"]').map((a) => a.textContent)).toEqual([
      `Cannot register run run-b: Model name "eth h5/x" cannot be a registry folder: a name holds up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit`,
    ]);
    choose(deep(el, "#register-name"), "eth-h5");
    choose(deep(el, "#register-alias"), "champion");
    choose(deep(el, "#register-description"), "ETH at H5");
    deep<HTMLFormElement>(el, "form").requestSubmit();
    await expect.poll(() => deepAll(el, '[data-testid="registered"]').map((p) => p.textContent)).toEqual([
      "Registered as eth-h5 version 1 (eth-h5@champion).",
    ]);
    expect(deep<HTMLAnchorElement>(el, '[data-testid="registered"] a').getAttribute("href")).toBe("#/registry/eth-h5");
    const model = await readModel(store, "eth-h5");
    expect([model.description, model.aliases]).toEqual(["ETH at H5", { champion: 1 }]);
  });

  it("refuses a run that is still running, with the core's message", async () => {
    await writeFakeRun(runs, "run-c", { status: "running" });
    const el = await form("run-c");
    deep<HTMLFormElement>(el, "form").requestSubmit();
    await expect.poll(() => deepAll(el, '[role="alert"]').map((a) => a.textContent)).toEqual([
      "Cannot register run run-c: Run run-c is still running: only a finished run can be registered",
    ]);
    expect(await store.list()).toEqual(["btc-h5"]);
  });
});
