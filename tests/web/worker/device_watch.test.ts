import { describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { ProgressEvent } from "../../../core/platform.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import { type DeviceLostInfo, DeviceWatch } from "../../../web/worker/device_watch.ts";

const RUN = "20260101-000000-mlp-h5-abcd";
const timing = { stallMs: 50, reportMs: 50 };

/** A device whose loss the test triggers. */
function device() {
  let lose!: (info: DeviceLostInfo) => void;
  const lost = new Promise<DeviceLostInfo>((resolve) => (lose = resolve));
  return { device: { lost }, lose: (reason = "unknown", message = "GPU reset") => lose({ reason, message }) };
}

/** A store holding a run as the trainer leaves it, with a checkpoint if `checkpoint`. */
async function storeWith(status: string, checkpoint: boolean) {
  const store = new MemoryRunStore();
  await store.write(
    RUN,
    "run.json",
    jsonText({
      id: RUN,
      model: "neural:mlp",
      family: "neural",
      horizon: 5,
      seq_len: 1,
      config: { params: {}, dataset: {}, trainer: {} },
      dataset: { files: {}, symbols: [], features: [], label_column: "label_h5" },
      backend: { name: "webgpu", requested: "webgpu", reason: "" },
      versions: {},
      seed: 42,
      status,
      created_at: "2026-01-01T00:00:00.000Z",
      timings: {},
      ...(status === "failed" ? { error: "Failed to execute 'mapAsync' on 'GPUBuffer'" } : {}),
    }),
  );
  if (checkpoint) await store.write(RUN, "model/preprocess.json", "{}");
  return store;
}

/** Feeds a training's progress: run created, backend chosen, `epochs` epochs done (the second best). */
function follow(watch: DeviceWatch, gpu: ReturnType<typeof device>["device"] | undefined, epochs: number) {
  const events: ProgressEvent[] = [{ kind: "phase", phase: "backend", detail: "webgpu" }, { kind: "run", runId: RUN, location: "memory" }, {
    kind: "phase",
    phase: "fit",
  }];
  for (let e = 0; e < epochs; e++) events.push({ kind: "epoch", epoch: e, epochs: 50, metrics: {}, best: e === 1 });
  for (const event of events) watch.observe(event, () => gpu);
}

const status = async (store: MemoryRunStore) => JSON.parse(new TextDecoder().decode(await store.read(RUN, "run.json")));

describe("DeviceWatch", () => {
  it("turns the trainer's raw failure after a loss into a readable one, in run.json too", async () => {
    const gpu = device(), watch = new DeviceWatch(), store = await storeWith("failed", true);
    follow(watch, gpu.device, 3);
    gpu.lose("unknown", "GPU reset");
    const training = Promise.reject(new Error("Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost"));
    const message =
      "The WebGPU device was lost (reason: unknown: GPU reset); the run stopped at epoch 4 of 50 (3 completed); its best checkpoint (epoch 2) is kept";
    await expect(watch.guard(training, store, timing)).rejects.toThrow(message);
    expect(await status(store)).toMatchObject({ status: "failed", error: message });
  });

  it("waits for a loss reported just after the failed read", async () => {
    const gpu = device(), watch = new DeviceWatch(), store = await storeWith("failed", false);
    follow(watch, gpu.device, 0);
    const guarded = watch.guard(Promise.reject(new Error("mapAsync failed")), store, { stallMs: 50, reportMs: 1000 });
    setTimeout(() => gpu.lose("destroyed", ""), 20);
    await expect(guarded).rejects.toThrow("The WebGPU device was lost (reason: destroyed); the run stopped in epoch 1; no checkpoint had been saved");
  });

  it("ends a training that never returns after the loss, marking its running run failed", async () => {
    const gpu = device(), watch = new DeviceWatch(), store = await storeWith("running", true);
    follow(watch, gpu.device, 2);
    const hung = new Promise<never>(() => {});
    const guarded = watch.guard(hung, store, timing);
    gpu.lose();
    await expect(guarded).rejects.toThrow(/^The WebGPU device was lost \(reason: unknown: GPU reset\); the run stopped at epoch 3 of 50 \(2 completed\)/);
    expect(await status(store)).toMatchObject({ status: "failed" });
  });

  it("rethrows other errors untouched and leaves the run alone while the device lives", async () => {
    const gpu = device(), watch = new DeviceWatch(), store = await storeWith("failed", true);
    follow(watch, gpu.device, 1);
    await expect(watch.guard(Promise.reject(new Error("out of memory")), store, timing)).rejects.toThrow(/^out of memory$/);
    expect((await status(store)).error).toBe("Failed to execute 'mapAsync' on 'GPUBuffer'");
    await expect(watch.guard(Promise.resolve("done"), store, timing)).resolves.toBe("done");
  });

  it("never rewrites a finished run, and watches nothing off WebGPU", async () => {
    const gpu = device(), watch = new DeviceWatch(), store = await storeWith("finished", true);
    follow(watch, gpu.device, 2);
    gpu.lose();
    await expect(watch.guard(Promise.reject(new Error("late")), store, timing)).rejects.toThrow(/device was lost/);
    expect(await status(store)).toMatchObject({ status: "finished" });
    const cpu = new DeviceWatch();
    follow(cpu, undefined, 1);
    await expect(cpu.guard(Promise.reject(new Error("wasm failed")), store, timing)).rejects.toThrow(/^wasm failed$/);
  });
});
