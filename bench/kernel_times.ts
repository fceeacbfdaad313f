// Per-kernel GPU time of a training step on WebGPU (issue 15): where a fused LSTM or GRU step's time goes. Every dispatch
// runs in a compute pass of its own (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE 1) with timestamp writes at its start and end
// (the adapter's `timestamp-query`), labelled by its pipeline (tfjs's program class, or our raw kernel's key).
// Usage: deno run -A bench/kernel_times.ts [--models lstm,gru --batch 16 --window 60 --features 107 --groups 2 --modes fused,unfused --out tmp/k.json]
// Prints, per model and mode, each kernel's milliseconds per step (summed over its dispatches), its share, and the
// step's GPU total against its wall time (the wall time here includes a submit per dispatch, so it is not the bench's).
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../models/tfjs/backend.ts";
import { registry } from "../models/index.ts";
import { setFusedKernels } from "../models/tfjs/webgpu/fused_flag.ts";
import { platformBackend } from "../cli/versions.ts";
import { ISSUE_PARAMS, ISSUE_SHAPE, syntheticWindows } from "./training_inputs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string" },
    batch: { type: "string" },
    window: { type: "string" },
    features: { type: "string" },
    groups: { type: "string" },
    modes: { type: "string" },
    out: { type: "string" },
    grid: { type: "boolean" },
  },
});
const batch = Number(values.batch ?? 16), seqLen = Number(values.window ?? ISSUE_SHAPE.seqLen), features = Number(values.features ?? ISSUE_SHAPE.features);
const groups = Number(values.groups ?? 2), names = (values.models ?? "lstm,gru").split(","), modes = (values.modes ?? "fused").split(",");

const choice = await selectBackend("webgpu", platformBackend());
// the WebGPU types come from Deno's lib at run time; the repo's tsconfig has none, so the device is typed loosely here
// deno-lint-ignore no-explicit-any
type Any = any;
const backend = tf.backend() as Any;
const device = backend.device as Any;
if (!device.features.has("timestamp-query")) throw new Error(`kernel_times.ts: ${choice.reason} has no timestamp-query`);
tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", 1);

// one query set per 2048 passes (4096 timestamps, WebGPU's most); a pass is [set, index, label]
const SET = 4096;
const sets: Any[] = [];
let passes: { set: number; index: number; label: string }[] = [];
const createEncoder = device.createCommandEncoder;
device.createCommandEncoder = function (...args: unknown[]) {
  const encoder = createEncoder.apply(this, args);
  const begin = encoder.beginComputePass;
  encoder.beginComputePass = function (descriptor: Any = {}) {
    const n = passes.length, set = Math.floor((2 * n) / SET), index = (2 * n) % SET;
    while (sets.length <= set) sets.push(device.createQuerySet({ type: "timestamp", count: SET }));
    const entry = { set, index, label: "unlabelled" };
    passes.push(entry);
    const pass = begin.call(this, {
      ...descriptor,
      timestampWrites: { querySet: sets[set], beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 },
    });
    const setPipeline = pass.setPipeline;
    pass.setPipeline = function (pipeline: Any) {
      entry.label = pipeline?.label || "unlabelled";
      return setPipeline.call(this, pipeline);
    };
    // with --grid, tfjs's programs are told apart by their grid (the same class runs several products)
    if (values.grid) {
      const dispatch = pass.dispatchWorkgroups;
      pass.dispatchWorkgroups = function (...d: number[]) {
        if (!entry.label.startsWith("mf_")) entry.label += ` [${d.join(",")}]`;
        return dispatch.apply(this, d);
      };
    }
    return pass;
  };
  return encoder;
};

/** Nanoseconds of each recorded pass, from its query set. */
async function passTimes(): Promise<number[]> {
  const used = Math.ceil((2 * passes.length) / SET);
  const resolve = device.createBuffer({ size: used * SET * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: used * SET * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = createEncoder.call(device);
  for (let s = 0; s < used; s++) encoder.resolveQuerySet(sets[s], 0, SET, resolve, s * SET * 8);
  encoder.copyBufferToBuffer(resolve, 0, read, 0, used * SET * 8);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const stamps = new BigUint64Array(read.getMappedRange().slice(0));
  read.unmap();
  resolve.destroy(), read.destroy();
  return passes.map((p) => Number(stamps[p.set * SET + p.index + 1] - stamps[p.set * SET + p.index]));
}

const train = syntheticWindows(batch * 8 * (groups + 1) + 1, 1, { seqLen, features });
const report: Record<string, Record<string, unknown>> = {};
for (const name of names) {
  const plugin = registry.get(name);
  for (const mode of modes) {
    setFusedKernels(mode === "fused");
    const model = plugin.create(plugin.configSchema.parse(ISSUE_PARAMS[name] ?? {}), { seqLen, nFeatures: features, nClasses: 3 }, {
      seed: 1,
      backend: { ...choice, gpuDevice: device },
    });
    // NetworkModel reports a step every 8 (when it reads the loss): the first group compiles and is left out
    let counted = -1, start = 0, end = 0, steps = 0, wall = 0, last = 0;
    const signal = { aborted: false };
    await model.fit(train, train, {
      epochs: 1,
      batchSize: batch,
      seed: 1,
      restoreBest: false,
      signal,
      onEpoch: () => Promise.resolve({ stop: true, best: false }),
      onStep: (step) => {
        const now = performance.now();
        if (counted < 0) start = passes.length;
        else wall += now - last, steps = step - counted, end = passes.length;
        if (counted < 0) counted = step;
        if (steps >= 8 * groups) signal.aborted = true;
        last = now;
      },
    });
    const ns = await passTimes();
    const byLabel: Record<string, { ms: number; n: number }> = {};
    // the passes of the counted steps: from the first report to the last (any after it belong to no counted step)
    for (let i = start; i < end; i++) {
      const k = (byLabel[passes[i].label] ??= { ms: 0, n: 0 });
      k.ms += ns[i] / 1e6, k.n++;
    }
    const total = Object.values(byLabel).reduce((s, k) => s + k.ms, 0);
    const rows = Object.entries(byLabel).sort((a, b) => b[1].ms - a[1].ms).map(([label, k]) => ({
      kernel: label,
      ms_per_step: +(k.ms / steps).toFixed(2),
      dispatches_per_step: +(k.n / steps).toFixed(1),
      share: +(k.ms / total).toFixed(3),
    }));
    report[`${name} ${mode}`] = { batch, steps, gpu_ms_per_step: +(total / steps).toFixed(1), wall_ms_per_step: +(wall / steps).toFixed(1), kernels: rows };
    console.log(`\n${name} ${mode}, batch ${batch}: ${steps} steps, GPU ${(total / steps).toFixed(1)} ms/step, wall ${(wall / steps).toFixed(1)} ms/step`);
    for (const r of rows.slice(0, 25)) {
      console.log(`  ${r.kernel.padEnd(44)} ${r.ms_per_step.toFixed(2).padStart(9)} ms  x${r.dispatches_per_step}  ${(100 * r.share).toFixed(1)}%`);
    }
    passes = [];
    model.dispose();
  }
}
setFusedKernels(true);
if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(report, null, 2) + "\n");
Deno.exit(0);
