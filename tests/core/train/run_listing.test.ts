import { describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { runProblem } from "../../../core/train/run_check.ts";
import { listRuns } from "../../../core/train/run_listing.ts";
import { fakeStore } from "../bundle/fake_runs.ts";

describe("listRuns and runProblem", () => {
  it("lists the runs that read and names each damaged one with its file, never failing on it", async () => {
    const store = await fakeStore(4, { points: 5, predictions: 5, weights: 10 });
    const [a, b, c, d] = await store.list();
    await store.write(b, "run.json", "{ not json");
    await store.write(c, "metrics.json", JSON.stringify({ val: 3 }));
    await store.write(d, "metrics.jsonl", '{"epoch": 0}\nnot a line\n');
    const listing = await listRuns(store, { now: Date.now() });
    // a listing reads run.json and metrics.json; metrics.jsonl is read by `whole` checks (export, import)
    expect(listing.runs.map((r) => r.id)).toEqual([a, d]);
    expect(listing.damaged.map((x) => x.id)).toEqual([b, c]);
    expect(listing.damaged[0].problem).toMatch(new RegExp(`^Run ${b}: run.json is not valid JSON`));
    expect(listing.damaged[1].problem).toMatch(new RegExp(`^Run ${c}: metrics.json is malformed`));
    expect(listing.runs[0].test?.f1_macro).toEqual(expect.any(Number));
    expect(listing.runs[0].test).not.toHaveProperty("confusion");
    expect(await runProblem(store, d, "whole")).toMatch(new RegExp(`^Run ${d}: metrics.jsonl line 2 is not valid JSON`));
    expect(await runProblem(store, a, "whole")).toBeUndefined();
  });

  it("names a model file that is not JSON and a preprocess.json that is not the trainer's", async () => {
    const store = await fakeStore(2, { points: 5, predictions: 5, weights: 10 });
    const [a, b] = await store.list();
    await store.write(a, "model/model.json", "\u0000\u0001");
    await store.write(b, "model/preprocess.json", JSON.stringify({ features: [] }));
    expect(await runProblem(store, a)).toMatch(new RegExp(`^Run ${a}: model/model.json is not valid JSON`));
    expect(await runProblem(store, b)).toMatch(new RegExp(`^Run ${b}: model/preprocess.json is malformed`));
  });

  it("lists nothing and names nothing in an empty store", async () => {
    expect(await listRuns(new MemoryRunStore(), { now: 0 })).toEqual({ runs: [], damaged: [] });
  });
});
