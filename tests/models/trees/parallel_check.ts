// Run by parallel.test.ts under Deno (`deno run -A`), which has Web Workers and, through Mesa's
// lavapipe, WebGPU: Node (vitest) has neither. Prints one JSON line of findings for the test to judge.
import type { ComputeBackend } from "../../../core/compute.ts";
import { tfjsBackend } from "../../../models/tfjs/backend.ts";
import type { Parallelism, WorkerLike } from "../../../core/platform.ts";
import { createRng } from "../../../core/random.ts";
import { gbdt } from "../../../models/gbdt/gbdt.ts";
import { MISSING } from "../../../models/trees/binning.ts";
import { HistEngine } from "../../../models/trees/engine.ts";
import { growTree } from "../../../models/trees/grow.ts";
import { CpuHistogram } from "../../../models/trees/histogram.ts";
import { startEngines } from "../../../models/trees/parallel.ts";
import type { TreeModel } from "../../../models/trees/tree_model.ts";
import { HIST_BINS } from "../../../models/trees/split.ts";
import { GpuHistogram } from "../../../models/trees/webgpu_histogram.ts";
import type { GpuDevice } from "../../../models/trees/webgpu_types.ts";
import { tinySplits } from "./data.ts";

const parallel: Parallelism = { spawn: (url) => new Worker(url, { type: "module" }) as unknown as WorkerLike, threads: 3 };
const params = { lambda: 1, alpha: 0, minChildWeight: 1, gamma: 0 };

/** Random binned data: 6000 rows x 13 features, 5% missing, uneven bin counts. */
function randomData(channels: number) {
  const rng = createRng(channels), rows = 6000, cols = 13;
  const nBins = Uint8Array.from({ length: cols }, (_, f) => 2 + ((f * 37) % 254));
  const bins = new Uint8Array(rows * cols);
  for (let f = 0; f < cols; f++) for (let i = 0; i < rows; i++) bins[f * rows + i] = rng.uniform() < 0.05 ? MISSING : rng.int(nBins[f]);
  const stats = Float32Array.from({ length: rows * channels }, (_, k) => (k % channels === channels - 1 ? rng.uniform() : rng.normal()));
  return { data: { bins, rows, cols, nBins, channels, params }, stats, rng };
}

const results: Record<string, unknown> = {};

// 1. Engines in workers answer exactly as one engine in this thread: same candidates (sums from their histograms), same trees.
for (const channels of [2, 4]) {
  const { data, stats } = randomData(channels);
  const { engines, kind, close } = await startEngines(data, { parallel });
  const local = new HistEngine(data);
  const features = Int32Array.from({ length: data.cols }, (_, f) => f);
  const sample = Int32Array.from({ length: data.rows }, (_, i) => i).filter((i) => i % 5 !== 0);
  const totals = Array.from({ length: channels }, (_, c) => sample.reduce((s, i) => s + stats[i * channels + c], 0));
  const start = { stats, sample, features, totals, maxDepth: 6 };
  const same = JSON.stringify(await engines[0].begin(start)) === JSON.stringify(await local.begin(start));
  const grow = (list: typeof engines) =>
    growTree(list, { stats, sample, features }, {
      maxDepth: 6,
      maxLeaves: 0,
      leafwise: false,
      colsampleBynode: 1,
      params,
      channels,
      shrinkage: 0.1,
      output: 0,
      edges: Array.from({ length: data.cols }, (_, f) => Float32Array.from({ length: data.nBins[f] - 1 }, (_, b) => b)),
      rng: createRng(1),
    });
  const [inWorkers, here] = [await grow(engines), await grow([local])];
  close();
  results[`workers_c${channels}`] = {
    kind,
    same_root_candidate: same,
    same_tree: JSON.stringify([...inWorkers.value, ...inWorkers.gain]) === JSON.stringify([...here.value, ...here.gain]),
    nodes: here.feature.length,
  };
}

// 2. A whole GBDT fit with workers saves the same trees as without.
const splits = await tinySplits();
const cpu: ComputeBackend = { name: "cpu", requested: "cpu", reason: "test" };
async function fitGbdt(options: { parallel?: Parallelism; histogram?: "cpu" | "webgpu"; backend?: ComputeBackend; params?: object }) {
  const config = gbdt.configSchema.parse({ ...options.params, histogram: options.histogram ?? "cpu" });
  const model = gbdt.create(config, { seqLen: 1, nFeatures: splits.featureNames.length, nClasses: 3 }, {
    seed: 1,
    parallel: options.parallel,
    backend: options.backend ?? cpu,
  });
  await model.fit(splits.train, splits.val, { epochs: 10, batchSize: 1, seed: 1, restoreBest: true, onEpoch: async () => ({ stop: false, best: true }) });
  return { json: new TextDecoder().decode((await model.save())["trees.json"]), probs: await model.predict(splits.test), kind: (model as TreeModel).histograms };
}
const cpuFit = await fitGbdt({});
results.gbdt_workers_identical = (await fitGbdt({ parallel })).json === cpuFit.json;
// The boosting styles: oblivious trees with ordered boosting (CatBoost), leaf-wise with GOSS from round 4 (LightGBM).
const styles = {
  oblivious_ordered: { tree: "oblivious", ordered_boosting: true, max_depth: 4 },
  goss: { growth: "leafwise", num_leaves: 15, max_depth: 0, sampling: "goss", learning_rate: 0.25 },
};
const styleFits = Object.fromEntries(await Promise.all(Object.entries(styles).map(async ([k, params]) => [k, await fitGbdt({ params })] as const)));
results.styles_workers_identical = Object.fromEntries(
  await Promise.all(Object.entries(styles).map(async ([k, params]) => [k, (await fitGbdt({ params, parallel })).json === styleFits[k].json])),
);

// 3. The WGSL kernel's histograms match the CPU's within float32 rounding, on the WebGPU adapter (lavapipe here).
const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ requestDevice(): Promise<unknown> } | null> } }).gpu;
const adapter = await gpu?.requestAdapter();
if (!adapter) results.webgpu = { skipped: "no WebGPU adapter" };
else {
  const device = (await adapter.requestDevice()) as GpuDevice;
  const checks: Record<string, number>[] = [];
  for (const channels of [2, 4]) {
    const { data, stats, rng } = randomData(channels);
    const [gpuHist, cpuHist] = [await GpuHistogram.create(device, data), new CpuHistogram(data)];
    gpuHist.setTree(stats);
    cpuHist.setTree(stats);
    const absolute = new CpuHistogram(data);
    absolute.setTree(stats.map(Math.abs));
    const all = Int32Array.from({ length: data.rows }, (_, i) => i);
    const nodes = { all, third: all.filter(() => rng.uniform() < 0.3), ten: all.filter((i) => i % 600 === 7) };
    for (const order of Object.values(nodes)) {
      for (const features of [Int32Array.from({ length: data.cols }, (_, f) => f), Int32Array.of(12, 3, 5)]) {
        const size = features.length * HIST_BINS * channels;
        const [g, c, a] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
        await gpuHist.build([{ order, start: 0, end: order.length, features, hist: g }]);
        cpuHist.build([{ order, start: 0, end: order.length, features, hist: c }]);
        absolute.build([{ order, start: 0, end: order.length, features, hist: a }]);
        let worst = 0;
        for (let k = 0; k < size; k++) worst = Math.max(worst, Math.abs(g[k] - c[k]) / (a[k] + 1e-12));
        checks.push({ channels, rows: order.length, features: features.length, worst_relative_error: worst, nonzero: c.filter((v) => v !== 0).length });
      }
    }
    // Several nodes in one submission, as a tree level is built.
    const jobs = (hists: Float64Array[]) => [
      { order: nodes.third, start: 0, end: 900, features: Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8), hist: hists[0] },
      { order: nodes.third, start: 900, end: nodes.third.length, features: Int32Array.of(11, 2), hist: hists[1] },
    ];
    const [gs, cs, as, small] = [0, 1, 2, 3].map(() => [new Float64Array(9 * HIST_BINS * channels), new Float64Array(2 * HIST_BINS * channels)]);
    await gpuHist.build(jobs(gs));
    // The same on a device whose buffers hold the first job's output at most: two batches, same sums.
    const limits = { maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize, maxStorageBufferBindingSize: 9 * HIST_BINS * channels * 4 };
    const tight = new Proxy(device, {
      get: (target, key) => {
        const value = key === "limits" ? limits : (target as unknown as Record<PropertyKey, unknown>)[key];
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const tightHist = await GpuHistogram.create(tight, data);
    tightHist.setTree(stats);
    await tightHist.build(jobs(small));
    tightHist.dispose();
    checks.push({ channels, batches_agree: Number(small.every((h, n) => h.every((v, k) => v === gs[n][k]))) });
    cpuHist.build(jobs(cs));
    absolute.build(jobs(as));
    let worst = 0;
    gs.forEach((g, n) => g.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - cs[n][k]) / (as[n][k] + 1e-12)))));
    checks.push({ channels, rows: nodes.third.length, jobs: 2, worst_relative_error: worst, nonzero: cs[0].filter((v) => v !== 0).length });
    gpuHist.dispose();
  }
  // 4. A GBDT fit whose histograms run on tfjs's WebGPU device predicts like the CPU fit.
  const backend = await tfjsBackend({ gpu: gpu as never })("webgpu");
  const argmax = (p: Float32Array, i: number) => (p[3 * i] >= p[3 * i + 1] && p[3 * i] >= p[3 * i + 2] ? 0 : p[3 * i + 1] >= p[3 * i + 2] ? 1 : 2);
  /** How a fit on the GPU's histograms predicts against the same fit on the CPU's. */
  const compare = async (params: object, cpu: typeof cpuFit) => {
    const gpuFit = await fitGbdt({ histogram: "webgpu", backend, params });
    let diff = 0, agree = 0;
    for (let k = 0; k < cpu.probs.length; k++) diff += Math.abs(gpuFit.probs[k] - cpu.probs[k]) / cpu.probs.length;
    for (let i = 0; i < cpu.probs.length / 3; i++) if (argmax(gpuFit.probs, i) === argmax(cpu.probs, i)) agree += 3 / cpu.probs.length;
    return { kind: gpuFit.kind, mean_probability_difference: diff, same_class: agree };
  };
  const styleGpu: Record<string, unknown> = {};
  for (const [k, params] of Object.entries(styles)) styleGpu[k] = await compare(params, styleFits[k]);
  results.webgpu = { checks, gbdt_fit: await compare({}, cpuFit), style_fits: styleGpu };
}
console.log(JSON.stringify(results));
