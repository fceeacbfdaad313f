/// <reference types="node" />
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBundle } from "../../core/bundle/decode.ts";
import { encodeBundle } from "../../core/bundle/encode.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import { copyFolder, expectUserError, trainGoodRuns, treeDigest } from "./good_runs.ts";
import { lastLine, mf, show, tempDir } from "./helpers.ts";

// mf runs list|show|delete, and a runs folder holding one damaged run: list, export and import handle the other
// runs and name the damaged one; nothing stored is touched by a command that fails.
const { dir, cleanup } = tempDir("runs");
afterAll(cleanup);
let good: Awaited<ReturnType<typeof trainGoodRuns>>;
beforeAll(async () => {
  good = await trainGoodRuns(dir);
});

let counter = 0;
const fresh = () => copyFolder(good.runs, join(dir, `runs-${++counter}`));
const [logistic, mlp] = [() => good.ids.find((id) => id.includes("-logistic-"))!, () => good.ids.find((id) => id.includes("-mlp-"))!];

/** Adds to `runs` a copy of the logistic run under `id`, its run.json replaced by `runJson` when given. */
function addCopy(runs: string, id: string, runJson?: string): string {
  const runDir = join(runs, id);
  cpSync(join(good.runs, logistic()), runDir, { recursive: true });
  const record = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
  writeFileSync(join(runDir, "run.json"), runJson ?? JSON.stringify({ ...record, id }, null, 2));
  return runDir;
}

describe("mf runs list, show and delete", () => {
  it("lists every run with its status and headline figures, as a table and as JSON whose last line is {runs: [...]}", async () => {
    const table = await mf(["runs", "list", "--runs", good.runs]);
    expect(table.code, show(table)).toBe(0);
    for (const id of good.ids) expect(table.stdout).toMatch(new RegExp(`^${id} +(linear:logistic|neural:mlp) +(5|20) +finished `, "m"));
    const r = await mf(["runs", "list", "--runs", good.runs, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const { runs } = JSON.parse(lastLine(r.stdout));
    expect(runs.map((x: { id: string }) => x.id)).toEqual(good.ids);
    expect(runs[0]).toMatchObject({ model: expect.any(String), horizon: expect.any(Number), status: "finished", created_at: expect.any(String) });
    expect(runs[0].val.f1_macro).toEqual(expect.any(Number));
    expect(runs[0].test.sharpe).toEqual(expect.any(Number));
    // the good runs share their data: one short data id, as the app's runs table shows it, in the table's last column
    expect(new Set(runs.map((x: { data_id: string }) => x.data_id))).toEqual(new Set([expect.stringMatching(/^[0-9a-f]{8}$/)]));
    expect(table.stdout).toMatch(new RegExp(` ${runs[0].data_id}$`, "m"));
    const only = JSON.parse(lastLine((await mf(["runs", "list", "--runs", good.runs, "--select", "model=mlp", "--json"])).stdout));
    expect(only.runs.map((x: { id: string }) => x.id)).toEqual([mlp()]);
  });

  it("shows one run by id or by folder, and names an unknown --select key", async () => {
    const byId = await mf(["runs", "show", logistic(), "--runs", good.runs]);
    expect(byId.code, show(byId)).toBe(0);
    expect(byId.stdout).toMatch(new RegExp(`^run ${logistic()}: linear:logistic h5, window \\d+, finished`, "m"));
    expect(byId.stdout).toMatch(/^f1_macro +[\d.]+ +[\d.]+$/m);
    const byDir = await mf(["runs", "show", join(good.runs, mlp()), "--json"]);
    expect(byDir.code, show(byDir)).toBe(0);
    expect(JSON.parse(lastLine(byDir.stdout))).toMatchObject({
      id: mlp(),
      status: "finished",
      files: expect.arrayContaining(["run.json", "model/weights.bin"]),
    });
    const bad = expectUserError(await mf(["runs", "list", "--runs", good.runs, "--select", "modle=mlp"]));
    expect(bad).toContain('did you mean "model"');
    const unknown = expectUserError(await mf(["runs", "frob"]));
    expect(unknown).toContain('unknown subcommand "frob"');
  });

  it("deletes runs by id and by --select, refuses an unknown id before deleting anything, and refuses a run still training", async () => {
    const runs = fresh();
    const before = treeDigest(runs);
    const missing = expectUserError(await mf(["runs", "delete", logistic(), "20990101-000000-nope-h5-0000", "--runs", runs]));
    expect(missing).toBe(`error: No run 20990101-000000-nope-h5-0000 in ${runs}`);
    expect(treeDigest(runs)).toEqual(before);

    // a run whose heartbeat says this very test process trains it: alive, so not deleted without --force
    const live = addCopy(runs, "20990101-000000-live-h5-0001");
    const record = JSON.parse(readFileSync(join(live, "run.json"), "utf8"));
    writeFileSync(join(live, "run.json"), JSON.stringify({ ...record, status: "running" }));
    const stat = readFileSync(`/proc/${process.pid}/stat`, "utf8");
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    writeFileSync(
      join(live, "heartbeat.json"),
      JSON.stringify({ host: (await import("node:os")).hostname(), pid: process.pid, process_start: start, at: new Date().toISOString(), interval_s: 5 }),
    );
    const refused = expectUserError(await mf(["runs", "delete", "20990101-000000-live-h5-0001", "--runs", runs]));
    expect(refused).toMatch(/is still running \(its process is alive\).*--force/);
    expect(existsSync(live)).toBe(true);

    const r = await mf(["runs", "delete", logistic(), "--runs", runs, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(lastLine(r.stdout)).deleted).toEqual([logistic()]);
    expect(existsSync(join(runs, logistic()))).toBe(false);
    const sel = await mf(["runs", "delete", "--select", "model=mlp", "--runs", runs]);
    expect(sel.code, show(sel)).toBe(0);
    expect(existsSync(join(runs, mlp()))).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe("a runs folder holding one damaged run", () => {
  /** The good runs plus one whose run.json is not JSON, and one whose run.json names another id. */
  function damagedFolder() {
    const runs = fresh();
    addCopy(runs, "20990101-000000-broken-h5-0001", '{ "id": "20990101-000000-broken-h5-0001", ');
    addCopy(runs, "20990101-000000-renamed-h5-0002", readFileSync(join(good.runs, logistic(), "run.json"), "utf8"));
    return { runs, before: treeDigest(runs) };
  }

  it("mf runs list lists the others and names each damaged run with its file", async () => {
    const { runs, before } = damagedFolder();
    const r = await mf(["runs", "list", "--runs", runs, "--json"]);
    expect(r.code, show(r)).toBe(0);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.runs.map((x: { id: string }) => x.id)).toEqual(good.ids);
    expect(out.damaged.map((x: { id: string }) => x.id)).toEqual(["20990101-000000-broken-h5-0001", "20990101-000000-renamed-h5-0002"]);
    expect(r.stderr).toMatch(
      /^warning: run 20990101-000000-broken-h5-0001 is damaged and left out: Run 20990101-000000-broken-h5-0001: run\.json is not valid JSON/m,
    );
    expect(r.stderr).toMatch(
      new RegExp(`^warning: run 20990101-000000-renamed-h5-0002 is damaged and left out: .*run\\.json says its id is "${logistic()}"`, "m"),
    );
    expect(treeDigest(runs)).toEqual(before);
  });

  it("mf export exports the others and names the damaged ones; the bundle holds only the good runs", async () => {
    const { runs, before } = damagedFolder();
    const site = join(dir, `site-${counter}`);
    const r = await mf(["export", "--runs", runs, "--out", site, "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/^warning: run 20990101-000000-broken-h5-0001 is damaged and left out/m);
    const summary = JSON.parse(lastLine(r.stdout));
    expect(summary.runs).toEqual(good.ids);
    expect(summary.damaged).toEqual(["20990101-000000-broken-h5-0001", "20990101-000000-renamed-h5-0002"]);
    const reader = new BundleRunReader(decodeBundle(readFileSync(join(site, "runs.mfbundle"))));
    expect(await reader.list()).toEqual(good.ids);
    expect(treeDigest(runs)).toEqual(before);
  });

  it("mf export names a run whose metrics.jsonl is damaged and exports the rest", async () => {
    const runs = fresh();
    writeFileSync(join(runs, mlp(), "metrics.jsonl"), '{"epoch": 0}\n{oops\n');
    const before = treeDigest(runs);
    const r = await mf(["export", "--runs", runs, "--out", join(dir, `site-jsonl-${counter}`), "--json"]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^warning: run ${mlp()} is damaged and left out: Run ${mlp()}: metrics\\.jsonl line 2 is not valid JSON`, "m"));
    expect(JSON.parse(lastLine(r.stdout)).runs).toEqual([logistic()]);
    expect(treeDigest(runs)).toEqual(before);
  });
});

describe("mf import of a bundle holding damaged runs", () => {
  it("checks every run first, imports the good ones, names each damaged one in one error line (exit 1), and touches no stored run", async () => {
    // a bundle made elsewhere: the good runs, one whose run.json is not a run record, one whose id differs from its
    // header entry. encodeBundle checks run.json before packing it, so the damaged text is handed over on the second read.
    const source = new MemoryRunStore();
    for (const id of good.ids) {
      for (const path of ["run.json", "metrics.json", "model/preprocess.json"]) await source.write(id, path, readFileSync(join(good.runs, id, path)));
    }
    const mlpJson = readFileSync(join(good.runs, mlp(), "run.json"), "utf8");
    await source.write("20990101-000000-notarun-h5-0001", "run.json", JSON.stringify({ ...JSON.parse(mlpJson), id: "20990101-000000-notarun-h5-0001" }));
    await source.write("20990101-000000-other-h5-0002", "run.json", mlpJson);
    const reads = new Map<string, number>();
    const lying = {
      list: () => source.list(),
      files: (id: string) => source.files(id),
      read: async (id: string, path: string) => {
        const n = (reads.get(id + path) ?? 0) + 1;
        reads.set(id + path, n);
        if (id === "20990101-000000-notarun-h5-0001" && path === "run.json" && n > 1) {
          return new TextEncoder().encode(JSON.stringify({ id, status: "exploded" }));
        }
        return source.read(id, path);
      },
    };
    const bundle = join(dir, "damaged.mfbundle");
    writeFileSync(bundle, await encodeBundle(lying, await source.list(), { createdBy: "another tool" }));
    const runs = fresh();
    // the stored runs have the good ids: the import must skip them untouched, and import nothing else but what is sound
    const stored = treeDigest(runs);
    const r = await mf(["import", bundle, "--runs", runs, "--json"]);
    const message = expectUserError(r);
    expect(message).toMatch(/^error: 2 run\(s\) of .*damaged\.mfbundle are damaged and were not imported \(the other runs were\): /);
    expect(message).toContain("Run 20990101-000000-notarun-h5-0001: run.json is malformed");
    expect(message).toContain(`Run 20990101-000000-other-h5-0002: run.json says its id is "${mlp()}"`);
    expect(r.stdout).toMatch(/^\s+skipped +\S+ \(already there, left as it is\)$/m);
    expect(treeDigest(runs)).toEqual(stored);
    expect(existsSync(join(runs, "20990101-000000-notarun-h5-0001"))).toBe(false);
    expect(existsSync(join(runs, "20990101-000000-other-h5-0002"))).toBe(false);

    const empty = join(dir, `empty-${++counter}`);
    const into = await mf(["import", bundle, "--runs", empty]);
    expectUserError(into);
    const listed = JSON.parse(lastLine((await mf(["runs", "list", "--runs", empty, "--json"])).stdout));
    expect(listed.runs.map((x: { id: string }) => x.id)).toEqual(good.ids);
    expect(listed.damaged).toEqual([]);
  });
});
