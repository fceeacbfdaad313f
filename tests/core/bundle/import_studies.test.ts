import { describe, expect, it } from "vitest";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { importStudies } from "../../../core/bundle/import_studies.ts";
import { BundleStudyReader } from "../../../core/bundle/studies.ts";
import { appendOps, replay } from "../../../core/tune/journal.ts";
import { fakeStudyJournal } from "../../fixtures/fake_study.ts";
import { twoRuns } from "../model_registry/fixtures.ts";
import { MemoryJournalStore } from "../tune/memory_journal.ts";

/** The first `n` lines of a journal, each with its newline. */
const head = (text: string, n: number) => text.split("\n").slice(0, n).map((line) => line + "\n").join("");

/** A store holding the given journals, standing in for a bundle's studies (a StudyReader). */
function source(texts: Record<string, string>): MemoryJournalStore {
  const store = new MemoryJournalStore();
  for (const [name, text] of Object.entries(texts)) store.texts.set(name, text);
  return store;
}

describe("importStudies", () => {
  it("creates the studies a store lacks from a bundle's journals, then leaves them alone on a second import", async () => {
    const runs = await twoRuns(), from = source({ lr: fakeStudyJournal({ name: "lr", trials: 6, runIds: ["run-a"] }) });
    from.texts.set("wide", fakeStudyJournal({ name: "wide", trials: 3, seed: 2 }));
    const bytes = await encodeBundle(runs, ["run-a"], { createdBy: "test", studies: { reader: from, names: ["lr", "wide"] } });
    const bundle = new BundleStudyReader(decodeBundle(bytes, "b.mfbundle"));
    const into = new MemoryJournalStore();
    const seen: string[] = [];
    const first = await importStudies(bundle, into, { onStudy: (name, outcome) => seen.push(`${name} ${outcome}`) });
    expect(first).toEqual({ imported: ["lr", "wide"], extended: [], identical: [], skipped: [], damaged: [] });
    expect(seen).toEqual(["lr imported", "wide imported"]);
    expect(into.texts.get("lr")).toBe(from.texts.get("lr"));
    expect(replay(into.texts.get("wide")!, "wide")).toEqual(replay(from.texts.get("wide")!, "wide"));
    expect(await importStudies(bundle, into)).toEqual({ imported: [], extended: [], identical: ["lr", "wide"], skipped: [], damaged: [] });
    expect(into.texts.get("lr")).toBe(from.texts.get("lr"));
  });

  it("appends the bundle's later lines to a stored journal that is an earlier part of it", async () => {
    const full = fakeStudyJournal({ name: "lr", trials: 5 });
    const into = source({ lr: head(full, 7) });
    const result = await importStudies(source({ lr: full }), into);
    expect(result.extended).toEqual(["lr"]);
    expect(into.texts.get("lr")).toBe(full);
    expect(replay(into.texts.get("lr")!, "lr").trials).toHaveLength(5);
  });

  it("keeps a stored journal that differs from the bundle's, or is newer, naming the study, and imports the others", async () => {
    const full = fakeStudyJournal({ name: "lr", trials: 5 });
    const changed = head(full, 4) + JSON.stringify({ op: "report", trial: 0, step: 9, value: 0.1 }) + "\n";
    const newer = fakeStudyJournal({ name: "old", trials: 4 });
    const into = source({ lr: changed, old: newer });
    const from = source({ lr: full, old: head(newer, 6), fresh: fakeStudyJournal({ name: "fresh", trials: 2 }) });
    const result = await importStudies(from, into);
    expect(result.imported).toEqual(["fresh"]);
    expect(result.skipped).toEqual([
      "lr: the stored journal differs from the bundle's at line 5; the stored study is kept as it is",
      "old: the stored journal is newer (" + (newer.split("\n").length - 1) + " lines, the bundle's 6); the stored study is kept as it is",
    ]);
    expect(into.texts.get("lr")).toBe(changed);
    expect(into.texts.get("old")).toBe(newer);
  });

  it("names and skips a journal that does not replay, writing nothing of it, and imports the rest", async () => {
    const good = fakeStudyJournal({ name: "good", trials: 2 });
    const bad = fakeStudyJournal({ name: "bad", trials: 3 }).replace('"op":"report"', '"op":"rep0rt"');
    const into = source({ bad: head(bad, 2) });
    const result = await importStudies(source({ bad, good }), into);
    expect(result.imported).toEqual(["good"]);
    expect(result.damaged).toHaveLength(1);
    expect(result.damaged[0]).toMatch(/^bad: study bad journal line \d+ is not a journal operation/);
    expect(into.texts.get("bad")).toBe(head(bad, 2));
    await expect(importStudies(source({ none: "" }), into)).resolves.toMatchObject({ damaged: ["none: study none journal is empty: no create_study line"] });
    expect(into.texts.has("none")).toBe(false);
  });

  it("decides under the study's lock: a worker's append queued first makes the stored journal no longer a prefix, so it is kept", async () => {
    const full = fakeStudyJournal({ name: "lr", trials: 3 });
    const into = source({ lr: head(full, 3) });
    const worker = appendOps(into, "lr", [{ op: "heartbeat", trial: 0, worker: "here:1", at: "2026-03-01T10:00:05.000Z" }]);
    const result = await importStudies(source({ lr: full }), into);
    await worker;
    expect(result.skipped).toEqual(["lr: the stored journal differs from the bundle's at line 4; the stored study is kept as it is"]);
    expect(into.texts.get("lr")!.split("\n")).toHaveLength(5);
    expect(replay(into.texts.get("lr")!, "lr").trials[0].alive_at).toBe("2026-03-01T10:00:05.000Z");
  });

  it("reads a bundle's journal as replay does: a cut-short last line is left out, other spellings of a line compare equal once imported", async () => {
    const full = fakeStudyJournal({ name: "lr", trials: 2 });
    const lines = full.split("\n").slice(0, -1);
    // the same operations with spaces and another key order, and a last line cut short
    const respelled = lines.map((line) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line)).reverse())).replace(/,/g, ", "))
      .join("\n") + '\n{"op":"heart';
    const into = new MemoryJournalStore();
    expect((await importStudies(source({ lr: respelled }), into)).imported).toEqual(["lr"]);
    expect(into.texts.get("lr")).toBe(full);
    expect((await importStudies(source({ lr: respelled }), into)).identical).toEqual(["lr"]);
  });
});
