import { tfjsBackend } from "../../models/tfjs/backend.ts";
import { describe, expect, it } from "vitest";
import { writeParquet } from "../../core/data/parquet_write.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../core/data/synth.ts";
import { MemoryRunStore } from "../../core/memory_store.ts";
import type { GpuLike } from "../../core/platform.ts";
import { train } from "../../core/train/trainer.ts";
import { registry } from "../../models/index.ts";
import { blobSource } from "../../web/blob_source.ts";

// Runs in real headless Chromium; --enable-unsafe-webgpu gives it a software (SwiftShader) adapter.
describe("core in the browser", () => {
  it("trains the logistic model on WebGPU from Parquet Blobs, and the loss falls", async () => {
    const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
    expect(gpu, "this Chromium has no navigator.gpu").toBeTruthy();
    const tiny = synthSplits({ symbols: 2, rows: 1200, features: 8, seed: 5, signal: SYNTH_STRONG_SIGNAL });
    const file = (split: "train" | "val" | "test") => blobSource(new Blob([writeParquet(tiny[split].columns) as Uint8Array<ArrayBuffer>]), `${split}.parquet`);
    const store = new MemoryRunStore();
    const result = await train(
      {
        plugin: registry.get("logistic"),
        sources: { train: file("train"), val: file("val"), test: file("test") },
        trainer: { epochs: 5, batch_size: 64, patience: 0, backend: "webgpu" },
      },
      { store, clock: Date, startBackend: tfjsBackend({ gpu }) },
    );
    expect(result.record.backend.name).toBe("webgpu");
    expect(result.record.status).toBe("finished");
    const lines = new TextDecoder().decode(await store.read(result.runId, "metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[4].train_loss).toBeLessThan(lines[0].train_loss);
    expect(result.test!.f1_macro).toBeGreaterThan(0.4);
  });
});
