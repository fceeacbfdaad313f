import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/random.ts";
import { OrderedScores, setLeafValues } from "../../../models/gbdt/ordered.ts";
import type { SplitParams } from "../../../models/trees/split.ts";
import type { Tree } from "../../../models/trees/tree.ts";

const params: SplitParams = { lambda: 1, alpha: 0, minChildWeight: 0, gamma: 0 };

/** A stump for class `output`: root 0 splits into leaves 1 and 2. */
const stump = (output: number): Tree => ({
  output,
  nOut: 1,
  feature: Int32Array.of(0, -1, -1),
  bin: new Uint8Array(3),
  threshold: new Float32Array(3),
  defaultLeft: new Uint8Array(3),
  left: Int32Array.of(1, 0, 0),
  right: Int32Array.of(2, 0, 0),
  value: new Float64Array(3),
  gain: new Float64Array(3),
});

describe("ordered boosting (CatBoost)", () => {
  const rows = 40, leafOf = Int32Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 2));
  const classes = Int8Array.from({ length: rows }, (_, i) => i % 3);
  const fitted = (flip = -1) => {
    const ordered = new OrderedScores(rows, createRng(9));
    // The flipped row's class-1 indicator always changes, so its class-1 gradient does.
    const labels = Int8Array.from(classes, (c, i) => (i === flip ? (c === 1 ? 0 : 1) : c));
    ordered.gradients(labels, new Float32Array(rows).fill(1));
    ordered.add(stump(1), leafOf, new Uint8Array(rows).fill(1), params, 0.5);
    return ordered;
  };

  it("gives each row the leaf value of only the rows before it in the permutation (the first of a leaf gets 0)", () => {
    const ordered = fitted();
    const seen = new Map<number, [number, number]>();
    for (const i of ordered.permutation) {
      const [g, h] = seen.get(leafOf[i]) ?? [0, 0];
      expect(ordered.scores[i * 3 + 1]).toBeCloseTo(-0.5 * g / (h + params.lambda), 12);
      expect(ordered.scores[i * 3]).toBe(0); // other classes' scores untouched
      seen.set(leafOf[i], [g + ordered.stats[1][2 * i], h + ordered.stats[1][2 * i + 1]]);
    }
    expect(new Set(ordered.permutation).size).toBe(rows);
    expect([...ordered.permutation]).not.toEqual([...ordered.permutation].sort((a, b) => a - b));
  });

  it("a row's own label never reaches its ordered score: changing it moves only the rows after it", () => {
    const base = fitted();
    const position = 17, row = base.permutation[position];
    const changed = fitted(row);
    base.permutation.forEach((i, p) => {
      const same = base.scores[i * 3 + 1] === changed.scores[i * 3 + 1];
      if (p <= position) expect(same, `row ${i} at ${p}`).toBe(true);
      else if (leafOf[i] === leafOf[row]) expect(same, `row ${i} at ${p}`).toBe(false);
    });
  });

  it("sets the model's leaves from the given statistics over the sampled rows", () => {
    const tree = stump(0);
    const stats = Float32Array.from({ length: rows * 2 }, (_, k) => (k % 2 ? 0.5 : (k / 2) % 5 - 2));
    const sample = Int32Array.from({ length: rows }, (_, i) => i).filter((i) => i % 4 !== 0);
    setLeafValues(tree, leafOf, sample, stats, params, 0.1);
    for (const leaf of [1, 2]) {
      const members = [...sample].filter((i) => leafOf[i] === leaf);
      const g = members.reduce((s, i) => s + stats[2 * i], 0), h = members.length * 0.5;
      expect(tree.value[leaf]).toBeCloseTo(-0.1 * g / (h + 1), 12);
    }
    expect(tree.value[0]).toBe(0);
  });
});
