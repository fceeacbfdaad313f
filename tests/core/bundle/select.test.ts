import { describe, expect, it } from "vitest";
import { matches, parseSelect } from "../../../core/bundle/select.ts";
import { ConfigError } from "../../../core/errors.ts";
import { RunRecord } from "../../../core/train/run_record.ts";
import { fakeRunFiles } from "./fake_runs.ts";

const record = (id: string, seed: number) => RunRecord.parse(JSON.parse(fakeRunFiles(id, seed, { points: 1 })["run.json"] as string));
// seed 1: neural:mlp at horizon 20; seed 2: neural:lstm at horizon 5, seq_len 32; seed 3: linear:logistic at horizon 20
const runs = [record("20261122-120001-a", 1), record("20261122-130002-b", 2), record("20261123-120003-c", 3)];
const pick = (select: string) => runs.filter((r) => matches(r, parseSelect(select))).map((r) => r.id.slice(-1));

describe("--select", () => {
  it("matches every condition, alternatives with |, model by full or short name, id and created by prefix", () => {
    expect(pick("model=lstm")).toEqual(["b"]);
    expect(pick("model=neural:mlp|logistic")).toEqual(["a", "c"]);
    expect(pick("family=neural,horizon=5")).toEqual(["b"]);
    expect(pick("horizon=20, status=finished")).toEqual(["a", "c"]);
    expect(pick("id=20261122-1")).toEqual(["a", "b"]);
    expect(pick("seq_len=032")).toEqual(["b"]);
    expect(pick("created=2026-11-22T12:01")).toEqual(["a"]);
    expect(pick("backend=webgpu")).toEqual([]);
  });

  it("rejects an unknown key with the closest one and the list of keys", () => {
    expect(() => parseSelect("modle=lstm")).toThrow(ConfigError);
    expect(() => parseSelect("modle=lstm")).toThrow(
      '--select: unknown key "modle" (did you mean "model"?); keys: id, model, family, horizon, seq_len, status, seed, backend, created, experiment',
    );
  });

  it("rejects text that is not key=value, empty values, repeated keys and values of the wrong kind", () => {
    expect(() => parseSelect("")).toThrow(/^--select is empty/);
    expect(() => parseSelect("lstm")).toThrow('--select: "lstm" is not key=value; keys: id, model');
    expect(() => parseSelect("model=")).toThrow('--select: model has an empty value in "model="');
    expect(() => parseSelect("model=a,model=b")).toThrow('--select: "model" is given twice; list alternatives as model=a|b');
    expect(() => parseSelect("horizon=five")).toThrow('--select: horizon must be a whole number, got "five"');
    expect(() => parseSelect("status=done")).toThrow('--select: status "done" is not one of running, finished, failed, stopped');
  });
});
