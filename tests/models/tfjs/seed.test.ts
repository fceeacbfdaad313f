import { beforeAll, describe, expect, it } from "vitest";
import type { BackendChoice } from "../../../core/compute.ts";
import { registry } from "../../../models/index.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { tfjsSeed } from "../../../models/tfjs/seed.ts";
import { TINY_NETWORKS as cases } from "../tiny_networks.ts";

let backend: BackendChoice;
beforeAll(async () => {
  backend = await selectBackend("cpu");
});

describe("tfjsSeed", () => {
  it("never gives tfjs a 0 (its Gaussian draws treat 0 as no seed) and keeps every other seed as it was", () => {
    expect(tfjsSeed(0)).not.toBe(0);
    for (const seed of [1, 2, 5, 42, 999, 2 ** 31 - 1 + 1000]) expect(tfjsSeed(seed)).toBe(seed);
  });

  it("keeps distinct toolkit seeds distinct: 0's stand-in is no seed the toolkit can derive (they are >= 0)", () => {
    expect(tfjsSeed(0)).toBeLessThan(0);
  });
});

// Every tfjs network, small (TINY_NETWORKS). From run seed 0, mlp, tcn and nhits hand a heNormal (a truncated normal) the
// seed 0 and tft its static embedding's randomNormal, which tfjs drew unseeded; the others' seed-0 initializers are
// uniform ones (glorotUniform), which tfjs always seeded, so they were already reproducible and must stay so.
/** The saved weights of a freshly built (untrained) model. */
async function initialWeights(name: string, seed: number): Promise<Uint8Array> {
  const { seqLen, params } = cases[name]!;
  const plugin = registry.get(name);
  const model = plugin.create(plugin.configSchema.parse(params), { seqLen, nFeatures: 5, nClasses: 3 }, { seed, backend });
  const files = await model.save();
  model.dispose();
  return files["weights.bin"]!;
}

describe("run seed 0", () => {
  for (const name of Object.keys(cases)) {
    it(`${name}: two builds with seed 0 start from identical weights`, async () => {
      const [a, b] = [await initialWeights(name, 0), await initialWeights(name, 0)];
      expect(a.length).toBeGreaterThan(0);
      // Compared as one flag: a byte-by-byte diff of whole weight files says nothing more.
      expect(a.length === b.length && a.every((v, i) => v === b[i])).toBe(true);
    });
  }
});
