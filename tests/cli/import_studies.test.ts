/// <reference types="node" />
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replay } from "../../core/tune/journal.ts";
import { fakeRunFiles } from "../core/bundle/fake_runs.ts";
import { fakeStudyJournal } from "../fixtures/fake_study.ts";
import { lastLine, mf, show, tempDir } from "./helpers.ts";

// mf export carries the studies beside the runs folder; mf import writes them into the studies folder beside its own
// runs folder (or --studies), through the disk journal store: created, continued, or a stored one kept and named.
const { dir, cleanup } = tempDir("import-studies");
afterAll(cleanup);

/** Writes a file, making its folder. */
function put(path: string, data: Uint8Array | string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/** The first `n` lines of a journal, each with its newline. */
const head = (text: string, n: number) => text.split("\n").slice(0, n).map((line) => line + "\n").join("");
const journal = (studies: string, name: string) => readFileSync(join(studies, name, "journal.jsonl"), "utf8");

describe("mf import with studies", () => {
  it("writes a bundle's studies beside the runs, replaying equal; a second folder's changed study is kept and named, a shorter one continued", async () => {
    const ids = [0, 1].map((i) => `20261122-120${i}00-demo-h5-000${i}`);
    ids.forEach((id, i) => Object.entries(fakeRunFiles(id, i + 1)).forEach(([path, data]) => put(join(dir, "a", "runs", id, path), data)));
    const texts = { lr: fakeStudyJournal({ name: "lr", trials: 6, runIds: ids }), wide: fakeStudyJournal({ name: "wide", trials: 3, seed: 2 }) };
    for (const [name, text] of Object.entries(texts)) put(join(dir, "a", "studies", name, "journal.jsonl"), text);
    const site = join(dir, "site");
    const exported = await mf(["export", "--runs", join(dir, "a", "runs"), "--out", site, "--json"]);
    expect(exported.code, show(exported)).toBe(0);
    expect(JSON.parse(lastLine(exported.stdout)).studies).toEqual(["lr", "wide"]);

    // into an empty folder: studies/ beside the runs, each journal as it was, replaying to the same study
    const fresh = await mf(["import", site, "--runs", join(dir, "b", "runs"), "--json"]);
    expect(fresh.code, show(fresh)).toBe(0);
    expect(JSON.parse(lastLine(fresh.stdout)).studies).toEqual({ imported: ["lr", "wide"], extended: [], identical: [], skipped: [], damaged: [] });
    for (const [name, text] of Object.entries(texts)) {
      expect(journal(join(dir, "b", "studies"), name)).toBe(text);
      expect(replay(journal(join(dir, "b", "studies"), name), name)).toEqual(replay(text, name));
    }
    const again = await mf(["import", site, "--runs", join(dir, "b", "runs"), "--json"]);
    expect(JSON.parse(lastLine(again.stdout)).studies).toMatchObject({ imported: [], identical: ["lr", "wide"], skipped: [] });

    // into --studies where lr is an earlier part of the bundle's journal and wide was changed there
    const mine = join(dir, "mine");
    const changed = head(texts.wide, 3) + JSON.stringify({ op: "report", trial: 0, step: 7, value: 0.25 }) + "\n";
    put(join(mine, "lr", "journal.jsonl"), head(texts.lr, 5));
    put(join(mine, "wide", "journal.jsonl"), changed);
    const kept = await mf(["import", site, "--runs", join(dir, "c", "runs"), "--studies", mine, "--json"]);
    expect(kept.code, show(kept)).toBe(0);
    expect(JSON.parse(lastLine(kept.stdout)).studies).toEqual({
      imported: [],
      extended: ["lr"],
      identical: [],
      skipped: ["wide: the stored journal differs from the bundle's at line 4; the stored study is kept as it is"],
      damaged: [],
    });
    expect(kept.stderr).toContain(`warning: study wide in ${mine} is kept as it is, not the bundle's`);
    expect(journal(mine, "lr")).toBe(texts.lr);
    expect(journal(mine, "wide")).toBe(changed);
  });
});
