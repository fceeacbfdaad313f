import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { packBundle } from "../../../core/bundle/container.ts";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleRunReader } from "../../../core/bundle/reader.ts";
import { DataError, NotFoundError } from "../../../core/errors.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { fakeRunFiles, fakeStore } from "./fake_runs.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const rows = async (bytes: Uint8Array) => parquetReadObjects({ file: bytes.slice().buffer });
const encode = (store: MemoryRunStore, options: Partial<Parameters<typeof encodeBundle>[2]> = {}) =>
  store.list().then((ids) => encodeBundle(store, ids, { createdBy: "test", now: Date.UTC(2026, 10, 22), ...options }));

/** The header and sections of a bundle, for building broken ones. */
function open(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(text(bytes.subarray(12, 12 + length)));
  const sections = Object.fromEntries(
    Object.entries(header.sections as Record<string, { offset: number; length: number }>)
      .map(([name, s]) => [name, bytes.slice(s.offset, s.offset + s.length)]),
  );
  delete header.sections;
  return { header, sections };
}

function rejects(bytes: Uint8Array): string {
  try {
    decodeBundle(bytes, "runs.mfbundle");
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("the bundle was accepted");
}

describe("the bundle", () => {
  it("gives back every file of every run: carried files byte for byte, curves and predictions value for value", async () => {
    const store = await fakeStore(3, { predictions: 300 });
    const ids = await store.list();
    const reader = new BundleRunReader(decodeBundle(await encode(store, { predictions: true }), "runs.mfbundle"));
    expect(await reader.list()).toEqual(ids);
    for (const id of ids) {
      expect(await reader.files(id)).toEqual(await store.files(id));
      for (const path of ["run.json", "metrics.json", "feature_importance.json", "model/model.json", "model/weights.bin", "model/preprocess.json"]) {
        expect(await reader.read(id, path), `${id}/${path}`).toEqual(await store.read(id, path));
      }
      const lines = (bytes: Uint8Array) => text(bytes).trim().split("\n").map((l) => JSON.parse(l));
      expect(lines(await reader.read(id, "metrics.jsonl"))).toEqual(lines(await store.read(id, "metrics.jsonl")));
      expect(JSON.parse(text(await reader.read(id, "equity.json")))).toEqual(JSON.parse(text(await store.read(id, "equity.json"))));
      for (const split of ["val", "test"]) {
        const path = `predictions/${split}.parquet`;
        const back = await rows(await reader.read(id, path));
        expect(back).toHaveLength(300);
        expect(back).toEqual(await rows(await store.read(id, path)));
      }
    }
  });

  it("leaves predictions out by default and model files out when asked, and says so in its header", async () => {
    const store = await fakeStore(2);
    const byDefault = new BundleRunReader(decodeBundle(await encode(store)));
    const id = (await store.list())[0];
    expect(byDefault.header.contents).toEqual({ models: true, predictions: false });
    expect((await byDefault.files(id)).filter((p) => p.startsWith("predictions/"))).toEqual([]);
    expect(await byDefault.files(id)).toContain("model/weights.bin");
    const noModels = new BundleRunReader(decodeBundle(await encode(store, { models: false, title: "Demo runs" })));
    expect(noModels.header).toMatchObject({ contents: { models: false, predictions: false }, title: "Demo runs", created_at: "2026-11-22T00:00:00.000Z" });
    expect((await noModels.files(id)).filter((p) => p.startsWith("model/"))).toEqual([]);
    await expect(noModels.read(id, "model/weights.bin")).rejects.toThrow(NotFoundError);
    await expect(noModels.files("nope")).rejects.toThrow(NotFoundError);
  });

  it("keeps metrics.jsonl keys of any kind, and files of an unknown shape byte for byte", async () => {
    const store = new MemoryRunStore();
    const files = fakeRunFiles("r1", 1, { points: 10 });
    for (const [path, data] of Object.entries(files)) await store.write("r1", path, data);
    const lines = [
      { epoch: 0, train_loss: 1.25, note: "warm-up", best: true, run: "x" },
      { epoch: 1, train_loss: null, lr: 0.001, best: "maybe", extra: [1, 2] },
      { epoch: 2, train_loss: 0.5, trees: 12 },
    ];
    await store.write("r1", "metrics.jsonl", lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const odd = JSON.stringify({ val: { time: [1, 2], equity: [1, 1.1], drawdown: [0, 0], position: [0, 1] } });
    await store.write("r1", "equity.json", odd);
    await store.write("r1", "notes/readme.txt", "hello");
    const reader = new BundleRunReader(decodeBundle(await encode(store)));
    const back = text(await reader.read("r1", "metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
    expect(back).toEqual(lines);
    expect(text(await reader.read("r1", "equity.json"))).toBe(odd);
    expect(text(await reader.read("r1", "notes/readme.txt"))).toBe("hello");
  });

  it("refuses a run without a valid run.json, naming it", async () => {
    const store = new MemoryRunStore();
    await store.write("r1", "run.json", JSON.stringify({ id: "r1" }));
    await expect(encodeBundle(store, ["r1"], { createdBy: "test" })).rejects.toThrow(/^Run r1: run\.json is malformed:/);
  });
});

describe("a malformed bundle", () => {
  it("is rejected with a message naming the file and what is wrong", async () => {
    const good = await encode(await fakeStore(1, { points: 20 }));
    const { header, sections } = open(good);
    expect(rejects(new TextEncoder().encode("<html>hello</html>"))).toBe('runs.mfbundle: not a Model Factory bundle: it does not start with "MFBUNDLE"');
    expect(rejects(good.subarray(0, 200))).toMatch(/^runs\.mfbundle: (truncated|section "\w+" \(bytes \d+ to \d+\) lies outside the file)/);
    expect(rejects(packBundle({ ...header, version: 2 }, sections)))
      .toBe(
        "runs.mfbundle: bundle version 2 is not supported: this Model Factory reads version 1; the bundle was made by a newer Model Factory, update to open it",
      );
    expect(rejects(packBundle({ ...header, version: "1" }, sections))).toMatch(/^runs\.mfbundle: bundle version "1" is not supported/);
    expect(rejects(packBundle({ ...header, format: "zip" }, sections))).toBe(
      'runs.mfbundle: not a Model Factory bundle: its format is "zip", expected "model-factory-bundle"',
    );
    const noRuns = { ...header };
    delete noRuns.runs;
    expect(rejects(packBundle(noRuns, sections))).toMatch(/^runs\.mfbundle: the header is malformed:\n.*\n\s+→ at runs/);
    const id = header.runs[0].id;
    expect(rejects(packBundle({ ...header, runs: [{ id: "../evil", files: ["run.json"] }] }, sections))).toMatch(
      /the header is malformed:[\s\S]*runs\[0\]\.id/,
    );
    expect(rejects(packBundle({ ...header, runs: [{ id, files: ["../../etc/passwd", "run.json"] }] }, sections))).toMatch(/runs\[0\]\.files\[0\]/);
    expect(rejects(packBundle({ ...header, runs: [{ ...header.runs[0], files: [...header.runs[0].files, "model/extra.bin"] }] }, sections)))
      .toBe(`runs.mfbundle: run ${id} lists model/extra.bin, but no section holds it`);
    expect(rejects(packBundle(header, { ...sections, epochs: new TextEncoder().encode("not arrow") }))).toMatch(
      /^runs\.mfbundle: section epochs is not an Arrow IPC table: /,
    );
    expect(rejects(packBundle(header, { ...sections, files: sections.equity }))).toMatch(
      /^runs\.mfbundle: section files has no column "path"; columns: run, split, time, equity, drawdown$/,
    );
    expect(rejects(packBundle({ ...header, runs: [] }, sections))).toMatch(
      /^runs\.mfbundle: section files holds .+\/(run\.json|metrics\.json|\S+), which the header does not list$/,
    );
    const { equity: _, ...withoutEquity } = sections;
    expect(rejects(packBundle(header, withoutEquity))).toMatch(/the header is malformed:[\s\S]*sections\.equity/);
  });
});
