// Training-speed benchmark (issue 3): samples/s of every tfjs model per backend on the issue's shape,
// a window of 60 x 107, batch 256, one training step at a time (NetworkModel.fit, so the batch gather,
// the Adam step and reading the loss back are all counted).
// Usage: npm run bench:speed [-- --backends wasm,cpu,webgpu --models mlp,lstm --steps 24 --seconds 20 --skip cpu:patchtst]
//   [--torch python3 --rounds 2 --out DIR]
// --torch runs bench/torch_speed_reference.py with that Python (PyTorch's CPU samples/s, as many threads as the wasm
// backend has) in the same command: per round, each model on every backend and then in PyTorch, so background load on a
// shared machine falls on both arms alike; each figure is the median over --rounds rounds.
// Writes <out>/<name>.json and <name>.md (--out, default experiments/benchmarks; --name, default train_speed; e.g.
// train_speed_h200 for a GPU machine).
import { parseArgs } from "node:util";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../models/tfjs/backend.ts";
import type { ComputeBackend } from "../core/compute.ts";
import type { BackendName } from "../core/config/trainer.ts";
import { ISSUE_PARAMS, ISSUE_SHAPE, syntheticWindows } from "./training_inputs.ts";
import { registry } from "../models/index.ts";
import { cpuThreads, platformBackend, platformParallelism } from "../cli/versions.ts";
import { machine, median } from "./machine.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    backends: { type: "string" },
    models: { type: "string" },
    steps: { type: "string" },
    seconds: { type: "string" },
    name: { type: "string" },
    skip: { type: "string" },
    torch: { type: "string" },
    rounds: { type: "string" },
    out: { type: "string" },
  },
});
const { seqLen: L, features: F, batch: BATCH } = ISSUE_SHAPE;
const backends = (values.backends ?? "wasm,cpu,webgpu").split(",") as BackendName[];
const models = (values.models ?? "mlp,lstm,gru,tcn,transformer,nhits,patchtst").split(",");
const maxSteps = Number(values.steps ?? 24);
const maxSeconds = Number(values.seconds ?? 20);
const outName = values.name ?? "train_speed";
const outDir = values.out ?? join("experiments", "benchmarks");
const rounds = Number(values.rounds ?? 1);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${values.rounds}: expected a positive integer`);
// backend:model pairs left out; PatchTST on tfjs's cpu backend takes over a minute a step (8 steps did not end in 10 minutes).
const skip = new Set((values.skip ?? "cpu:patchtst").split(",").filter(Boolean));
const params = ISSUE_PARAMS;
// PyTorch 1.13 CPU, 2 threads, and tfjs before this work, from the issue (same shape and batch).
const reference: Record<string, { pytorch: number; tfjs_wasm: number; tfjs_cpu: number }> = {
  mlp: { pytorch: 10_189, tfjs_wasm: 862, tfjs_cpu: 244 },
  lstm: { pytorch: 978, tfjs_wasm: 113, tfjs_cpu: 36 },
};

/**
 * Median samples/s over the timed steps. NetworkModel reports progress each time it reads the loss
 * back (every few steps, when the device has drained), so a time is per such interval, divided by its
 * steps; the first interval builds kernels, grows the wasm heap and warms the JIT, and is not timed.
 */
async function measure(name: string, backend: ComputeBackend): Promise<{ samples_per_s: number; steps: number; step_ms: number[]; warmup_included: boolean }> {
  const plugin = registry.get(name);
  const model = plugin.create(plugin.configSchema.parse(params[name] ?? {}), { seqLen: L, nFeatures: F, nClasses: 3 }, {
    seed: 1,
    backend,
    parallel: platformParallelism(),
  });
  const train = syntheticWindows(BATCH * (maxSteps + 32), 1, { seqLen: L, features: F }), val = syntheticWindows(1, 2, { seqLen: L, features: F });
  const stepMs: number[] = [];
  const signal = { aborted: false };
  let last = performance.now(), lastStep = 0, timed = 0, startTimed = 0, warmupIncluded = false;
  try {
    await model.fit(train, val, {
      epochs: 1,
      batchSize: BATCH,
      seed: 1,
      restoreBest: false,
      signal,
      onEpoch: () => Promise.resolve({ stop: true, best: false }),
      onStep: (step) => {
        const now = performance.now();
        if (lastStep > 0 || now - last > maxSeconds * 1000) {
          // A first group slower than the whole budget is timed as it is (warm-up included: an underestimate).
          if (lastStep === 0) warmupIncluded = true;
          stepMs.push((now - last) / (step - lastStep));
          timed += step - lastStep;
        }
        // At least one timed interval, however slow; then stop at the step or time budget.
        if (timed >= maxSteps || (timed > 0 && now - startTimed > maxSeconds * 1000)) signal.aborted = true;
        if (lastStep === 0) startTimed = now;
        last = now, lastStep = step;
      },
    });
  } finally {
    model.dispose();
  }
  return { samples_per_s: Math.round((BATCH * 1000) / median(stepMs)), steps: timed, step_ms: stepMs.map(Math.round), warmup_included: warmupIncluded };
}

/** One model's samples/s in PyTorch on the CPU (bench/torch_speed_reference.py), with the wasm backend's thread count. */
async function torchSpeed(python: string, name: string): Promise<{ samples_per_s: number; torch: string; threads: number }> {
  const args = ["bench/torch_speed_reference.py", "--devices", "cpu", "--threads", String(cpuThreads()), "--models", name];
  // OpenMP threads that spin while they wait take the cores from the threads they wait for when other work shares the
  // machine: here PyTorch's MLP went from ~13,900 to ~1,600 samples/s (LSTM ~4,100 to ~330) with the default policy
  // while another process kept one core busy; passive waiting, as bench/gbdt.ts gives its references, is fair to it.
  const env = { OMP_WAIT_POLICY: "PASSIVE" };
  const out = await new Deno.Command(python, { args, env, stdout: "piped", stderr: "piped" }).output().catch((e) => e as Error);
  if (out instanceof Error || !out.success) {
    const why = out instanceof Error ? out.message : new TextDecoder().decode(out.stderr).trim().split("\n").slice(-2).join(" ");
    throw new Error(`bench/torch_speed_reference.py did not run with ${python} (pip install --break-system-packages torch): ${why}`);
  }
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  return { samples_per_s: r.results.cpu[name], torch: r.torch, threads: r.threads };
}

type Measured = Awaited<ReturnType<typeof measure>>;
const runs: Record<string, Record<string, Measured[]>> = {};
const torchRuns: Record<string, number[]> = {};
let torchVersion = "", torchThreads = 0;
const notes: string[] = [];
const started = new Map<string, ComputeBackend | null>();
/** Makes the backend tfjs's active one (started once, on first use); null when it cannot start. */
async function use(backend: BackendName): Promise<ComputeBackend | null> {
  const known = started.get(backend);
  if (known !== undefined) return known && (await tf.setBackend(known.name)) ? known : null;
  try {
    const choice = await selectBackend(backend, platformBackend());
    if (choice.reason.includes("software adapter")) {
      notes.push(`${backend}: a software adapter emulates the GPU on the CPU cores, so these figures say nothing about a real GPU`);
    }
    notes.push(`${backend}: ${choice.reason}${backend === "wasm" ? `; SIMD ${tf.env().getBool("WASM_HAS_SIMD_SUPPORT")}` : ""}`);
    started.set(backend, choice);
    return choice;
  } catch (error) {
    notes.push(`${backend}: not measured (${(error as Error).message})`);
    started.set(backend, null);
    return null;
  }
}
for (const backend of backends) {
  for (const name of models) {
    if (skip.has(`${backend}:${name}`)) notes.push(`${name} on ${backend}: not measured (--skip ${backend}:${name}; over a minute a step)`);
  }
}
for (let round = 1; round <= rounds; round++) {
  for (const name of models) {
    for (const backend of backends) {
      const choice = skip.has(`${backend}:${name}`) ? null : await use(backend);
      if (!choice) continue;
      const r = await measure(name, choice);
      ((runs[name] ??= {})[backend] ??= []).push(r);
      console.log(`round ${round}: ${name} on ${backend}: ${r.samples_per_s} samples/s (${r.steps} steps; ms per step by group of 8: ${r.step_ms.join(", ")})`);
    }
    if (values.torch) {
      const t = await torchSpeed(values.torch, name);
      (torchRuns[name] ??= []).push(t.samples_per_s);
      torchVersion = t.torch, torchThreads = t.threads;
      console.log(`round ${round}: ${name} in PyTorch ${t.torch} CPU, ${t.threads} threads: ${t.samples_per_s} samples/s`);
    }
  }
}
if (values.torch) {
  notes.push(
    `PyTorch: bench/torch_speed_reference.py under ${values.torch}, torch.set_num_threads(${torchThreads}), OMP_WAIT_POLICY=PASSIVE; its batches are slices of tensors made beforehand (no gather from a frame), no dropout`,
  );
}
const results: Record<string, Record<string, unknown>> = {};
for (const [name, byBackend] of Object.entries(runs)) {
  for (const [backend, list] of Object.entries(byBackend)) {
    (results[name] ??= {})[backend] = {
      samples_per_s: Math.round(median(list.map((r) => r.samples_per_s))),
      runs: list.map((r) => r.samples_per_s),
      warmup_included: list.some((r) => r.warmup_included),
      step_ms: list.map((r) => r.step_ms),
    };
  }
}
for (const [name, list] of Object.entries(torchRuns)) {
  (results[name] ??= {}).pytorch_cpu = { samples_per_s: Math.round(median(list)), runs: list, torch: torchVersion, threads: torchThreads };
}

const m = machine();
const result = {
  benchmark: "train_speed",
  date: new Date().toISOString(),
  machine: m,
  shape: { seq_len: L, features: F, batch: BATCH },
  params,
  rounds,
  reference,
  notes,
  results,
};
await Deno.mkdir(outDir, { recursive: true });
await Deno.writeTextFile(join(outDir, `${outName}.json`), JSON.stringify(result, null, 2) + "\n");
const fmt = (x: number) => x.toLocaleString("en-US");
const cell = (name: string, backend: string) => {
  const r = results[name]?.[backend] as { samples_per_s: number; runs: number[]; warmup_included?: boolean } | undefined;
  if (!r) return "-";
  return `${fmt(r.samples_per_s)}${r.warmup_included ? "*" : ""}${r.runs.length > 1 ? ` (${r.runs.map(fmt).join(", ")})` : ""}`;
};
const speed = (name: string, arm: string) => (results[name]?.[arm] as { samples_per_s: number } | undefined)?.samples_per_s;
const torchTable = [
  `| model | ${backends.join(" | ")} | PyTorch ${torchVersion} CPU, ${torchThreads} threads | wasm / PyTorch |`,
  `|---|${backends.map(() => "---|").join("")}---|---|`,
  ...models.map((name) => {
    const wasm = speed(name, "wasm"), torch = speed(name, "pytorch_cpu");
    return `| ${name} | ${backends.map((b) => cell(name, b)).join(" | ")} | ${cell(name, "pytorch_cpu")} | ${
      wasm && torch ? `${(wasm / torch).toFixed(2)}x` : "-"
    } |`;
  }),
];
const issueTable = [
  `| model | ${backends.join(" | ")} | PyTorch 1.13 CPU, 2 threads (issue) | PyTorch / wasm | tfjs wasm before (issue) |`,
  `|---|${backends.map(() => "---|").join("")}---|---|---|`,
  ...models.map((name) => {
    const wasm = speed(name, "wasm");
    const ratio = reference[name] && wasm ? `${(reference[name].pytorch / wasm).toFixed(2)}x` : "-";
    return `| ${name} | ${backends.map((b) => cell(name, b)).join(" | ")} | ${reference[name]?.pytorch.toLocaleString("en-US") ?? "-"} | ${ratio} | ${
      reference[name]?.tfjs_wasm ?? "-"
    } |`;
  }),
];
const md = [
  "# Benchmark: training speed",
  "",
  `Measured ${
    result.date.slice(0, 10)
  } on ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Deno ${m.deno}. Training samples/s, window ${L} x ${F}, batch ${BATCH}, one step at a time`,
  `(NetworkModel.fit: batch gather, forward, backward, Adam, loss read back); median of the per-step time over about ${maxSteps} steps (read back in groups of 8) after the first 8, which build kernels${
    rounds > 1 ? `; each figure the median of ${rounds} rounds (each round's in brackets), the arms alternating within a round` : ""
  }. Rerun with \`npm run bench:speed\`.`,
  "",
  ...(values.torch ? torchTable : issueTable),
  "",
  "\\* the first 8 steps took longer than the time budget, so they were timed with their warm-up (an underestimate).",
  "",
  "MLP is 6420 -> 128 -> 3 without dropout, LSTM (and GRU) one layer of 64 units (the issue's shapes); the others use their defaults.",
  "",
  ...notes.map((n) => `- ${n}`),
  "",
].join("\n");
await Deno.writeTextFile(join(outDir, `${outName}.md`), md);
console.log(md);
Deno.exit(0);
