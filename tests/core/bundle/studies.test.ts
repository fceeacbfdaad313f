import { describe, expect, it } from "vitest";
import { packBundle } from "../../../core/bundle/container.ts";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleStudyReader, studiesOfRuns, STUDY_JOURNAL } from "../../../core/bundle/studies.ts";
import { DataError, NotFoundError } from "../../../core/errors.ts";
import { fakeStudyJournal } from "../../fixtures/fake_study.ts";
import { MemoryJournalStore } from "../tune/memory_journal.ts";
import { twoRuns } from "../model_registry/fixtures.ts";

/** Runs a and b, and two studies whose trials are those runs. */
async function setup() {
  const runs = await twoRuns(), studies = new MemoryJournalStore();
  studies.texts.set("lr", fakeStudyJournal({ name: "lr", trials: 6, runIds: ["run-a", "run-b"] }));
  studies.texts.set("wide", fakeStudyJournal({ name: "wide", trials: 3, seed: 2 }));
  return { runs, studies };
}

/** The header and sections of a bundle, for building broken ones. */
function open(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const sections: Record<string, Uint8Array> = Object.fromEntries(
    Object.entries(header.sections as Record<string, { offset: number; length: number }>).map((
      [name, s],
    ) => [name, bytes.slice(s.offset, s.offset + s.length)]),
  );
  delete header.sections;
  return { header, sections };
}

describe("studies in a bundle", () => {
  it("carries each study's journal text as it is, listed in the header, read back and replayed by BundleStudyReader", async () => {
    const { runs, studies } = await setup();
    const seen: [string, number][] = [];
    const bytes = await encodeBundle(runs, ["run-a", "run-b"], {
      createdBy: "test",
      studies: { reader: studies, names: ["wide", "lr"], onStudy: (name, trials) => seen.push([name, trials]) },
    });
    expect(seen).toEqual([["lr", 6], ["wide", 3]]);
    const bundle = decodeBundle(bytes, "runs.mfbundle");
    expect(bundle.header.studies).toEqual([{ name: "lr", files: [STUDY_JOURNAL] }, { name: "wide", files: [STUDY_JOURNAL] }]);
    const reader = new BundleStudyReader(bundle);
    expect(await reader.list()).toEqual(["lr", "wide"]);
    expect(await reader.read("lr")).toBe(studies.texts.get("lr"));
    expect(await reader.read("none")).toBeUndefined();
    const study = await reader.study("lr");
    expect(study.trials.map((t) => t.run_id)).toEqual(["run-a", "run-b", undefined, undefined, undefined, undefined]);
    await expect(reader.study("none")).rejects.toThrow(new NotFoundError("No study none in runs.mfbundle (studies: lr, wide)"));
  });

  it("is absent from a bundle without studies", async () => {
    const { runs, studies } = await setup();
    const empty = await encodeBundle(runs, ["run-a"], { createdBy: "test", now: 0, studies: { reader: studies, names: [] } });
    expect(Object.keys(open(empty).sections)).toEqual(["files", "epochs", "equity"]);
    const bundle = decodeBundle(empty);
    expect(bundle.header.studies).toBeUndefined();
    expect(await new BundleStudyReader(bundle).list()).toEqual([]);
  });

  it("refuses to pack a missing study or a journal with a corrupt line, naming it", async () => {
    const { runs, studies } = await setup();
    await expect(encodeBundle(runs, ["run-a"], { createdBy: "test", studies: { reader: studies, names: ["gone"] } })).rejects.toThrow(
      new NotFoundError("No study gone in the studies store"),
    );
    studies.texts.set("bad", studies.texts.get("wide")!.replace('"op":"report"', '"op":"rep0rt"'));
    await expect(encodeBundle(runs, ["run-a"], { createdBy: "test", studies: { reader: studies, names: ["bad"] } })).rejects.toThrow(
      /study bad journal line \d+ is not a journal operation/,
    );
  });

  it("is checked on reading: a journal the section lacks, an entry without its journal, a section without a header entry", async () => {
    const { runs, studies } = await setup();
    const { header, sections } = open(await encodeBundle(runs, ["run-a"], { createdBy: "test", studies: { reader: studies, names: ["lr"] } }));
    const broken = (edit: (h: typeof header, s: typeof sections) => void) => {
      const h = structuredClone(header), s = { ...sections };
      edit(h, s);
      return () => decodeBundle(packBundle(h, s), "b.mfbundle");
    };
    expect(broken((h) => (h.studies[0].files = ["notes.txt"]))).toThrow("b.mfbundle: study lr has no journal.jsonl in its file list");
    expect(broken((h) => delete h.studies)).toThrow("b.mfbundle: section studies holds lr/journal.jsonl, which the header does not list");
    expect(broken((_h, s) => delete s.studies)).toThrow("the header lists 1 study(s) but the bundle has no studies section");
    expect(broken((h) => (h.studies[0].name = "../x"))).toThrow(DataError);
  });

  it("picks the studies of exported runs (a fold run counts), every readable one when all runs go, naming an unreadable one", async () => {
    const { studies } = await setup();
    const folds = fakeStudyJournal({ name: "cv", trials: 1 }).replace(/"at":"([^"]+)"\}\n$/, '"runs":["fold-0","fold-1"],"at":"$1"}\n');
    studies.texts.set("cv", folds);
    studies.texts.set("bad", "not a journal\n");
    const left: string[] = [];
    const onLeftOut = (name: string, why: string) => left.push(`${name}: ${why}`);
    expect(await studiesOfRuns(studies, { runs: new Set(["run-b"]), all: false, onLeftOut })).toEqual(["lr"]);
    expect(await studiesOfRuns(studies, { runs: new Set(["fold-0"]), all: false })).toEqual(["cv"]);
    expect(await studiesOfRuns(studies, { runs: new Set(["other"]), all: false })).toEqual([]);
    expect(await studiesOfRuns(studies, { runs: new Set(), all: true })).toEqual(["cv", "lr", "wide"]);
    expect(left).toEqual([expect.stringMatching(/^bad: study bad journal line 1 is corrupt/)]);
  });
});
