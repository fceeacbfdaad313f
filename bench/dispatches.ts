// Dispatch benchmark (issue 15): WebGPU kernels dispatched, tensors uploaded and buffers read back per training
// step, and samples/s, for every tfjs network model, with the fused WebGPU kernels (models/tfjs/webgpu/) on and
// off (the MF_WEBGPU_FUSED flag), alternating per model. Runs on whatever WebGPU adapter Deno finds (lavapipe here).
// Usage: npm run bench:dispatches [-- --models mlp,lstm --batch 256 --window 60 --features 107 --groups 1 --seconds 60 --modes fused,unfused
//   --name dispatches --out experiments/benchmarks --budgets models/tfjs/webgpu/dispatch_budgets.json --before old.json --before-label 2cf1819]
// Writes <out>/<name>.json ({model: {fused: {dispatches_per_step, samples_per_s, ...}, unfused: {...}}}) and <name>.md; with
// --budgets, also that file: this run's fused dispatches per step plus headroom, the budgets tests/models/tfjs/webgpu/dispatch_budget.test.ts holds.
import { parseArgs } from "node:util";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../models/tfjs/backend.ts";
import { plugins, registry } from "../models/index.ts";
import { NetworkModel } from "../models/tfjs/network_model.ts";
import { countDispatches } from "../models/tfjs/webgpu/dispatch_counter.ts";
import { setFusedKernels } from "../models/tfjs/webgpu/fused_flag.ts";
import { type StepDispatches, stepDispatches } from "../models/tfjs/webgpu/step_dispatches.ts";
import { platformBackend } from "../cli/versions.ts";
import { machine } from "./machine.ts";
import { ISSUE_PARAMS, ISSUE_SHAPE, syntheticWindows } from "./training_inputs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string" },
    batch: { type: "string" },
    window: { type: "string" },
    features: { type: "string" },
    groups: { type: "string" },
    seconds: { type: "string" },
    name: { type: "string" },
    modes: { type: "string" },
    out: { type: "string" },
    budgets: { type: "string" },
    before: { type: "string" },
    "before-label": { type: "string" },
  },
});
const batch = Number(values.batch ?? ISSUE_SHAPE.batch), seqLen = Number(values.window ?? ISSUE_SHAPE.seqLen);
const features = Number(values.features ?? ISSUE_SHAPE.features), groups = Number(values.groups ?? 1);
const maxSeconds = Number(values.seconds ?? 60), outName = values.name ?? "dispatches", outDir = values.out ?? join("experiments", "benchmarks");
const modes = (values.modes ?? "fused,unfused").split(",") as ("fused" | "unfused")[];
for (const mode of modes) if (mode !== "fused" && mode !== "unfused") throw new TypeError(`--modes: "${mode}" is not fused or unfused`);
if (values.budgets && !modes.includes("fused")) throw new TypeError("--budgets needs the fused mode measured (--modes fused or fused,unfused)");

// --before: an earlier run's JSON, whose fused dispatches the table shows beside this run's (before and after a change)
const before: Record<string, { fused?: { dispatches_per_step: number } }> | undefined = values.before
  ? JSON.parse(await Deno.readTextFile(values.before))
  : undefined;
const beforeLabel = values["before-label"] ?? "before";
const choice = await selectBackend("webgpu", platformBackend());
const counter = countDispatches(tf.backend());
const backend = { ...choice, gpuDevice: (tf.backend() as unknown as { device: unknown }).device };
const names = values.models?.split(",") ?? plugins.map((p) => p.name);
// enough samples for the warm-up group and the counted groups of 8 steps (NetworkModel reads the loss every 8)
const train = syntheticWindows(batch * 8 * (groups + 1) + 1, 1, { seqLen, features });

const results: Record<string, Partial<Record<"fused" | "unfused", StepDispatches>>> = {};
const skipped: string[] = [];
for (const name of names) {
  const plugin = registry.get(name);
  for (const mode of modes) {
    setFusedKernels(mode === "fused");
    const model = plugin.create(plugin.configSchema.parse(ISSUE_PARAMS[name] ?? {}), { seqLen, nFeatures: features, nClasses: 3 }, { seed: 1, backend });
    try {
      if (!(model instanceof NetworkModel)) {
        skipped.push(name);
        break;
      }
      const r = await stepDispatches(model, train, { batchSize: batch, counter, now: () => performance.now(), groups, maxSeconds });
      (results[name] ??= {})[mode] = r;
      console.log(
        `${name} ${mode}: ${r.dispatches_per_step.toFixed(1)} dispatches, ${r.uploads_per_step.toFixed(2)} uploads, ${
          r.reads_per_step.toFixed(3)
        } reads per step; ${Math.round(r.samples_per_s)} samples/s`,
      );
    } finally {
      model.dispose();
    }
  }
}
setFusedKernels(true);
counter.stop();

const m = machine();
const round = (r: StepDispatches) => ({
  ...r,
  dispatches_per_step: Math.round(r.dispatches_per_step * 10) / 10,
  programs_per_step: Math.round(r.programs_per_step * 10) / 10,
  uploads_per_step: Math.round(r.uploads_per_step * 100) / 100,
  reads_per_step: Math.round(r.reads_per_step * 1000) / 1000,
  samples_per_s: Math.round(r.samples_per_s * 10) / 10,
  by_program: Object.fromEntries(Object.entries(r.by_program).map(([k, v]) => [k, Math.round(v * 10) / 10])),
});
const json = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, Object.fromEntries(Object.entries(r).map(([mode, x]) => [mode, round(x)]))]));
await Deno.mkdir(outDir, { recursive: true });
await Deno.writeTextFile(join(outDir, `${outName}.json`), JSON.stringify(json, null, 2) + "\n");
if (values.budgets) {
  // headroom: 3% or 2 dispatches, whichever is more; enough for nothing but a real change in the step's kernels
  const budgets = Object.fromEntries(
    Object.entries(results).map(([name, r]) => [name, Math.ceil(r.fused!.dispatches_per_step + Math.max(2, 0.03 * r.fused!.dispatches_per_step))]),
  );
  const file = {
    about: "WebGPU dispatches per training step allowed per model (fused path), written by bench/dispatches.ts --budgets",
    shape: { batch, window: seqLen, features },
    budgets,
  };
  await Deno.writeTextFile(values.budgets, JSON.stringify(file, null, 2) + "\n");
}
const cell = (r?: StepDispatches) => (r ? `${r.dispatches_per_step.toFixed(1)}` : "-");
// WebGpuAdam's kernel (models/tfjs/webgpu/adam_kernel.ts); tf.train.adam's kernels are tfjs's generic ones, not told apart
const adam = (r?: StepDispatches) =>
  r ? Object.entries(r.by_program).reduce((n, [program, k]) => n + (/^mf_adam(_x\d+)?$/.test(program) ? k : 0), 0).toFixed(0) : "-";
const speed = (r?: StepDispatches) => (r ? r.samples_per_s.toFixed(1) : "-");
const md = [
  "# Benchmark: WebGPU dispatches per training step",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.cores} cores, Deno ${m.deno}, ${choice.reason}.`,
  `Window ${seqLen} x ${features}, batch ${batch}; NetworkModel.fit one step at a time (batch gather, forward, backward, Adam, the loss read back every 8 steps),`,
  `counted by models/tfjs/webgpu/dispatch_counter.ts over ${groups} group(s) of 8 steps after a warm-up group of 8 (kernel compilation, the split's upload).`,
  "fused: the fused WebGPU kernels registered today (models/tfjs/webgpu/); unfused: the same with MF_WEBGPU_FUSED off (tfjs's own kernels and tf.train.adam).",
  "A software adapter emulates the GPU on the CPU cores: samples/s here say nothing about a GPU, and from so few steps on a shared machine they are noisy;",
  "the dispatch counts are the same on any adapter.",
  ...(batch === ISSUE_SHAPE.batch ? [] : [
    `Batch ${batch}, not the issue's ${ISSUE_SHAPE.batch}: on a software adapter a step at ${ISSUE_SHAPE.batch} takes seconds for the sequence models; the kernels of a step barely`,
    "depend on the batch (tfjs picks a few by size; tests/models/tfjs/webgpu/dispatch_budget.test.ts checks it within 5% or 2 dispatches).",
  ]),
  `Rerun with \`npm run bench:dispatches\`${values.batch || values.window || values.models ? ` (this run: ${Deno.args.join(" ")})` : ""}.`,
  "",
  `| model | dispatches/step fused |${
    before ? ` fused ${beforeLabel} |` : ""
  } unfused | fused / unfused | of which Adam, fused | uploads/step fused | unfused | reads/step | samples/s fused | unfused |`,
  `|---|---|${before ? "---|" : ""}---|---|---|---|---|---|---|---|`,
  ...Object.entries(results).map(([name, r]) => {
    const ratio = r.fused && r.unfused ? (r.fused.dispatches_per_step / r.unfused.dispatches_per_step).toFixed(2) : "-";
    const uploads = [r.fused, r.unfused].map((x) => x?.uploads_per_step.toFixed(2) ?? "-").join(" | ");
    const was = before ? ` ${before[name]?.fused?.dispatches_per_step.toFixed(1) ?? "-"} |` : "";
    return `| ${name} | ${cell(r.fused)} |${was} ${cell(r.unfused)} | ${ratio} | ${adam(r.fused)} | ${uploads} | ${
      r.fused?.reads_per_step.toFixed(3) ?? "-"
    } | ${speed(r.fused)} | ${speed(r.unfused)} |`;
  }),
  "",
  ...(skipped.length ? [`Not tfjs networks, so not measured: ${skipped.join(", ")}.`, ""] : []),
].join("\n");
await Deno.writeTextFile(join(outDir, `${outName}.md`), md);
console.log(md);
Deno.exit(0);
