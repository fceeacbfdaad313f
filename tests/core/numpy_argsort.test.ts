import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NUMPY_NETWORK_MAX, numpyArgsort, stableArgsort } from "../../core/numpy_argsort.ts";

// Made by tests/fixtures/random/make_numpy_argsort_fixtures.py from numpy's own np.argsort on an AVX-512 x86-64 CPU.
const fixture = JSON.parse(readFileSync(new URL("../fixtures/random/numpy_argsort.json", import.meta.url), "utf8")) as {
  numpy: string;
  cases: { values: number[]; argsort: number[] }[];
};

describe("numpyArgsort", () => {
  it("orders every fixture array, ties included, as numpy did", () => {
    for (const { values, argsort } of fixture.cases) expect(numpyArgsort(values), `n=${values.length}`).toEqual(argsort);
  });

  it("differs from a stable sort on ties, which is why it exists", () => {
    expect(numpyArgsort([1, 1, 0, 0])).toEqual([3, 2, 1, 0]);
    expect(stableArgsort([1, 1, 0, 0])).toEqual([2, 3, 0, 1]);
    const differ = fixture.cases.filter(({ values, argsort }) => stableArgsort(values).join() !== argsort.join());
    expect(differ.length).toBeGreaterThan(fixture.cases.length / 2);
  });

  it("sorts distinct values as any sort does, infinities included", () => {
    const values = [3.5, -Infinity, 2, Infinity, -1, 0];
    expect(numpyArgsort(values)).toEqual(stableArgsort(values));
    expect(numpyArgsort([])).toEqual([]);
  });

  it("is stable beyond the network's length, where it does not follow numpy", () => {
    const values = Array.from({ length: NUMPY_NETWORK_MAX + 1 }, (_, i) => i % 3);
    expect(numpyArgsort(values)).toEqual(stableArgsort(values));
  });

  it("refuses NaN", () => {
    expect(() => numpyArgsort([1, NaN])).toThrow(/NaN/);
  });
});
