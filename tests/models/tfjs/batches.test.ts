import { describe, expect, it } from "vitest";
import type { Frame } from "../../../core/data/frame.ts";
import { Windows } from "../../../core/data/windows.ts";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { DeviceFrame } from "../../../models/tfjs/batches.ts";

/** Two symbols of 9 and 7 rows, 3 features, each value distinct. */
function windows(): Windows {
  const rows = 16, F = 3;
  const frame: Frame = {
    source: "test.parquet",
    rows,
    featureNames: ["a", "b", "c"],
    features: Float32Array.from({ length: rows * F }, (_, i) => i + 0.5),
    time: Float64Array.from({ length: rows }, (_, i) => i * 60_000),
    symbols: ["S0", "S1"],
    symbol: Int32Array.from({ length: rows }, (_, i) => (i < 9 ? 0 : 1)),
    label: new Int8Array(rows).fill(1),
  };
  return new Windows(frame, { seqLen: 4, requireLabel: true });
}

describe("DeviceFrame", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`gathers the windows of the samples asked for, in their order, on ${backend}, one batch after another`, async () => {
      await selectBackend(backend);
      const w = windows(), samples = Int32Array.of(7, 0, 3, 3, w.size - 1);
      const expected = Array.from(w.gather(samples));
      for (const input of ["sequence", "flat"] as const) {
        const device = new DeviceFrame(w, input, backend);
        for (const batch of [samples, samples.subarray(1, 3), samples]) {
          const x = device.batch(batch);
          expect(x.shape).toEqual(input === "sequence" ? [batch.length, 4, 3] : [batch.length, 12]);
          expect(Array.from(x.dataSync())).toEqual(expected.slice(12 * (batch === samples ? 0 : 1), 12 * (batch === samples ? 5 : 3)));
          x.dispose();
        }
        device.dispose();
      }
    });
  }
});
