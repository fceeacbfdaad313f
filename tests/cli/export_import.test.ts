/// <reference types="node" />
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { bundleBytes } from "../../core/bundle/html.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { fakeRunFiles } from "../core/bundle/fake_runs.ts";
import { fakeExperiment } from "../fixtures/fake_experiment.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import type { RunReader } from "../../core/platform.ts";
import { errorMessage, lastLine, mf, quick, show, tempDir, writeSplits } from "./helpers.ts";

// mf export and mf import on runs the CLI trained: the site, the single file, --select, and an
// import that skips what is already there. The first export builds the viewer when it is missing.
const { dir, cleanup } = tempDir("export");
afterAll(cleanup);
const runs = join(dir, "runs");
const ids: Record<string, string> = {};

/** Every file under a folder, as relative path -> bytes. */
function tree(root: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out[join(d, e.name).slice(root.length + 1)] = readFileSync(join(d, e.name));
    }
  };
  walk(root);
  return out;
}

/** Writes the given keys of a store as folders: `<root>/<key>/<path>`. */
async function writeOut(root: string, reader: RunReader, keys: readonly string[]) {
  for (const key of keys) {
    for (const path of await reader.files(key)) {
      mkdirSync(dirname(join(root, key, path)), { recursive: true });
      writeFileSync(join(root, key, path), await reader.read(key, path));
    }
  }
}

beforeAll(async () => {
  const data = join(dir, "data");
  mkdirSync(data);
  writeSplits(data);
  for (const [model, horizon] of [["logistic", "5"], ["mlp", "20"]]) {
    const r = await mf(["train", "--data", data, "--model", model, "--horizon", horizon, "--json", ...quick(runs)]);
    if (r.code !== 0) throw new Error(`training failed: ${show(r)}`);
    ids[model] = JSON.parse(lastLine(r.stdout)).run_id;
  }
});

describe("mf export", () => {
  it("writes a site and a single file of the selected runs, the same bundle in both", async () => {
    const site = join(dir, "site"), single = join(dir, "one", "runs.html");
    const r = await mf(["export", "--runs", runs, "--select", "model=logistic", "--out", site, "--single-file", single, "--title", "Tiny runs", "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\[1/1\\] ${ids.logistic}  linear:logistic h5 finished  \\d+ files`));
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary).toMatchObject({ runs: [ids.logistic], models: true, predictions: false });
    expect(readdirSync(site).sort()).toEqual(["index.html", "runs.mfbundle"]);
    const bundle = readFileSync(join(site, "runs.mfbundle"));
    const reader = new BundleRunReader(decodeBundle(bundle));
    expect(reader.header).toMatchObject({ title: "Tiny runs", created_by: expect.stringMatching(/^mf export \(model-factory /) });
    expect(await reader.list()).toEqual([ids.logistic]);
    const onDisk = tree(join(runs, ids.logistic));
    expect(await reader.files(ids.logistic)).toEqual(Object.keys(onDisk).filter((p) => !p.startsWith("predictions/")).sort());
    for (const path of ["run.json", "metrics.json", "model/preprocess.json", "model/weights.bin"]) {
      expect(Buffer.from(await reader.read(ids.logistic, path)).equals(onDisk[path]), path).toBe(true);
    }
    const page = readFileSync(single);
    expect(Buffer.from(await bundleBytes(page, single)).equals(bundle)).toBe(true);
    // one file: no script, stylesheet or module is loaded from beside it
    expect(page.toString()).not.toMatch(/<script[^>]+src=|<link[^>]+rel="(stylesheet|modulepreload)"/);
    expect(page.toString()).not.toContain("@tensorflow");
  });

  it("fails on an unknown --select key, listing the valid ones, and when nothing matches", async () => {
    const unknown = await mf(["export", "--runs", runs, "--select", "modle=lstm", "--out", join(dir, "x")]);
    expect(unknown.code).toBe(1);
    expect(errorMessage(unknown.stderr)).toBe(
      'error: --select: unknown key "modle" (did you mean "model"?); keys: id, model, family, horizon, seq_len, status, seed, backend, created, experiment',
    );
    const none = await mf(["export", "--runs", runs, "--select", "model=lstm,horizon=5", "--out", join(dir, "x")]);
    expect(none.code).toBe(1);
    expect(errorMessage(none.stderr)).toBe(
      `error: No run in ${runs} matches --select "model=lstm,horizon=5": its 2 runs have model linear:logistic, neural:mlp; horizon 20, 5; status finished`,
    );
  });

  it("needs a destination, and never writes into a folder of other files", async () => {
    const bare = await mf(["export", "--runs", runs]);
    expect(errorMessage(bare.stderr)).toBe("error: mf export: give --out DIR (a static site) or --single-file FILE.html (one file), or both");
    const busy = join(dir, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "notes.txt"), "mine");
    const r = await mf(["export", "--runs", runs, "--out", busy]);
    expect(errorMessage(r.stderr)).toBe(`error: --out ${busy} is a folder with other files (notes.txt); give a new or empty folder, or an earlier export`);
    expect(readdirSync(busy)).toEqual(["notes.txt"]);
  });

  it("keeps a single file of 20 demo-sized runs with their models under 10 MB", async () => {
    const many = join(dir, "many");
    for (let i = 0; i < 20; i++) {
      const id = `20261122-12${String(i).padStart(4, "0")}-demo-h5-${i.toString(16).padStart(4, "0")}`;
      for (const [path, data] of Object.entries(fakeRunFiles(id, i + 1))) {
        mkdirSync(dirname(join(many, id, path)), { recursive: true });
        writeFileSync(join(many, id, path), data);
      }
    }
    const single = join(dir, "many.html");
    const r = await mf(["export", "--runs", many, "--single-file", single]);
    expect(r.code, show(r)).toBe(0);
    const bytes = statSync(single).size;
    console.log(`single file of 20 demo-sized runs (models in, predictions out): ${(bytes / 1e6).toFixed(2)} MB`);
    expect(bytes).toBeLessThan(10e6);
  });
});

describe("mf import", () => {
  it("imports a site's runs, which then predict; a second import skips them and leaves them as they are", async () => {
    const site = join(dir, "site-all"), target = join(dir, "imported");
    expect((await mf(["export", "--runs", runs, "--out", site])).code).toBe(0);
    const r = await mf(["import", site, "--runs", target, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(lastLine(r.stdout))).toMatchObject({ imported: [ids.logistic, ids.mlp].sort(), skipped: [] });
    const original = tree(join(runs, ids.mlp));
    const copy = tree(join(target, ids.mlp));
    expect(Object.keys(copy)).toEqual(Object.keys(original).filter((p) => !p.startsWith("predictions/")));
    for (const path of ["run.json", "metrics.json", "model/model.json", "model/weights.bin"]) expect(copy[path].equals(original[path]), path).toBe(true);
    expect(JSON.parse(copy["equity.json"].toString())).toEqual(JSON.parse(original["equity.json"].toString()));
    const lines = (b: Buffer) => b.toString().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines(copy["metrics.jsonl"])).toEqual(lines(original["metrics.jsonl"]));
    const predicted = await mf([
      "predict",
      "--run",
      join(target, ids.mlp),
      "--input",
      join(dir, "data", "test.parquet"),
      "--out",
      join(dir, "pred.parquet"),
      "--json",
    ]);
    expect(predicted.code, show(predicted)).toBe(0);

    writeFileSync(join(target, ids.mlp, "run.json"), "edited by hand");
    const again = await mf(["import", join(site, "index.html").replace("index.html", "runs.mfbundle"), "--runs", target]);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain(`skipped  ${ids.mlp} (already there, left as it is)`);
    expect(again.stdout).toContain("Imported 0 run(s), skipped 2.");
    expect(readFileSync(join(target, ids.mlp, "run.json"), "utf8")).toBe("edited by hand");
  });

  it("imports a single-file export, and names what is wrong with a file that is no bundle", async () => {
    const single = join(dir, "one", "runs.html");
    const target = join(dir, "from-html");
    const r = await mf(["import", single, "--runs", target]);
    expect(r.code, show(r)).toBe(0);
    expect(readdirSync(target)).toEqual([ids.logistic]);
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "hello");
    const bad = await mf(["import", notes, "--runs", target]);
    expect(bad.code).toBe(1);
    expect(errorMessage(bad.stderr)).toBe(
      `error: ${notes} is neither a Model Factory bundle (it does not start with "MFBUNDLE") nor a viewer page with a bundle in it (no <script id="mf-bundle">)`,
    );
    const missing = await mf(["import", "--runs", target]);
    expect(errorMessage(missing.stderr)).toMatch(/^error: mf import: name the bundle to import: mf import BUNDLE/);
  });

  it("carries an experiment from beside the runs folder to beside another, byte for byte, and never overwrites another version", async () => {
    const from = join(dir, "xp", "runs"), to = join(dir, "elsewhere", "runs"), site = join(dir, "xp-site");
    const xp = await fakeExperiment({ failing: { label: "mlp", error: "Out of memory" } });
    await writeOut(from, xp.runs, xp.runIds);
    await writeOut(join(dir, "xp"), xp.experiments, [xp.name]);
    // a run of no experiment, and one of an experiment with no record beside the runs: neither brings an experiment
    const extra = new MemoryRunStore();
    const plain = "20261122-130000-plain-h5-0001", orphan = "20261122-130001-orphan-h5-0002";
    for (const [id, seed] of [[plain, 1], [orphan, 2]] as const) {
      for (const [path, data] of Object.entries(fakeRunFiles(id, seed))) await extra.write(id, path, data);
    }
    const record = JSON.parse(new TextDecoder().decode(await extra.read(orphan, "run.json")));
    await extra.write(orphan, "run.json", JSON.stringify({ ...record, experiment: { name: "gone", cell_id: "c", label: "x" } }));
    await writeOut(from, extra, [plain, orphan]);

    const selected = await mf(["export", "--runs", from, "--select", "experiment=baseline", "--out", join(dir, "xp-only"), "--json"]);
    expect(selected.code, show(selected)).toBe(0);
    expect(JSON.parse(lastLine(selected.stdout))).toMatchObject({ runs: [...xp.runIds].sort(), experiments: ["baseline"] });

    const r = await mf(["export", "--runs", from, "--out", site, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`Experiment gone (named by the runs) is left out: no ${join(dir, "xp", "gone", "experiment.json")}`);
    expect(r.stdout).toContain("  experiment baseline  3 files (experiment.json, report.json, report.md)");
    expect(JSON.parse(lastLine(r.stdout)).experiments).toEqual(["baseline"]);

    const imported = await mf(["import", site, "--runs", to, "--json"]);
    expect(imported.code, show(imported)).toBe(0);
    expect(JSON.parse(lastLine(imported.stdout)).experiments).toEqual({ imported: ["baseline"], identical: [], skipped: [] });
    const original = tree(join(dir, "xp", "baseline")), copy = tree(join(dir, "elsewhere", "baseline"));
    expect(Object.keys(copy).sort()).toEqual(["experiment.json", "report.json", "report.md"]);
    for (const path of Object.keys(original)) expect(copy[path].equals(original[path]), path).toBe(true);
    expect(readdirSync(join(dir, "elsewhere")).sort()).toEqual(["baseline", "runs"]);

    const again = await mf(["import", site, "--runs", to]);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain(`identical experiment baseline (already in ${join(dir, "elsewhere", "baseline")}, identical)`);
    writeFileSync(join(dir, "elsewhere", "baseline", "report.md"), "my notes");
    const changed = await mf(["import", site, "--runs", to, "--json"]);
    expect(changed.code, show(changed)).toBe(0);
    expect(JSON.parse(lastLine(changed.stdout)).experiments.skipped).toEqual([
      `baseline: ${join(dir, "elsewhere", "baseline")} holds another version (report.md differs); left as it is`,
    ]);
    expect(readFileSync(join(dir, "elsewhere", "baseline", "report.md"), "utf8")).toBe("my notes");
  });
});
