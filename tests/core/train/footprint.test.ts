import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import type { ModelPlugin } from "../../../core/model.ts";
import { checkFootprint, trainingBytes, WASM_MEMORY_BYTES } from "../../../core/train/footprint.ts";
import { mlp } from "../../../models/mlp/mlp.ts";

const shape = { seqLen: 1, nFeatures: 8960, nClasses: 3 as const };
const run = (hidden: number[], batchSize = 256) => ({
  plugin: mlp as unknown as ModelPlugin,
  name: "neural:mlp",
  params: mlp.configSchema.parse({ hidden }),
  batchSize,
});
const GB = 1e9;

describe("checkFootprint", () => {
  it("refuses on cpu a model whose training needs more than the machine's memory, naming the setting and the estimate", () => {
    const error = (() => {
      try {
        checkFootprint(run([65536, 65536]), shape, { name: "cpu", hostMemoryBytes: 32 * GB });
      } catch (e) {
        return e as ConfigError;
      }
    })()!;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^neural:mlp with params\.hidden \[65536,65536\] on 1 x 8960 inputs \(window x features\) has 4\.88 billion parameters: /);
    expect(error.message).toMatch(
      /training it needs about 78\.\d GB \(weights, gradients and Adam's moments 78\.\d GB, activations of a batch of 256 555\.2 MB\)/,
    );
    expect(error.message).toMatch(
      /more than the cpu backend can hold \(this machine's memory, 32\.0 GB\)\. Make params\.hidden or trainer\.batch_size smaller/,
    );
    expect(error.place.key).toBe("params.hidden");
  });

  it("holds the wasm backend to 4 GiB however much memory the machine has, and lets a model that fits through", () => {
    const big = run([16384, 16384]);
    expect(trainingBytes(mlp.footprint(big.params, shape), 256).total).toBeGreaterThan(WASM_MEMORY_BYTES);
    expect(() => checkFootprint(big, shape, { name: "wasm", hostMemoryBytes: 512 * GB })).toThrow(
      /more than the wasm backend can hold \(a wasm32 module's 4 GiB address space\)/,
    );
    expect(() => checkFootprint(big, shape, { name: "cpu", hostMemoryBytes: 512 * GB })).not.toThrow();
    expect(() => checkFootprint(run([128, 64]), shape, { name: "wasm" })).not.toThrow();
  });

  it("counts a batch's activations: a huge batch of a small model is refused too", () => {
    expect(() => checkFootprint(run([16], 1_048_576), { ...shape, seqLen: 64 }, { name: "cpu", hostMemoryBytes: 16 * GB })).toThrow(
      /activations of a batch of 1048576 \d+\.\d GB/,
    );
  });

  it("on WebGPU refuses a weight tensor larger than one GPU buffer, and leaves the total to the GPU (WebGPU does not tell it)", () => {
    const gpuDevice = { limits: { maxBufferSize: 256 * 2 ** 20 } };
    expect(() => checkFootprint(run([16384]), shape, { name: "webgpu", gpuDevice })).toThrow(
      /its largest weight tensor takes 587\.2 MB, more than one buffer of this GPU may hold \(268\.4 MB\)\. Make params\.hidden smaller$/,
    );
    expect(() => checkFootprint(run([1024]), shape, { name: "webgpu", gpuDevice })).not.toThrow();
  });

  it("does not check a plugin without a footprint, nor a backend whose capacity the platform cannot tell", () => {
    const { footprint: _, ...bare } = mlp;
    expect(() => checkFootprint({ ...run([65536, 65536]), plugin: bare as unknown as ModelPlugin }, shape, { name: "cpu", hostMemoryBytes: 1 })).not.toThrow();
    expect(() => checkFootprint(run([65536, 65536]), shape, { name: "cpu" })).not.toThrow();
  });
});
