// The LSTM and GRU recurrences alone on WebGPU (issue 15): one forward and backward pass (the gradients of xz and U) of
// lstmSequence / gruSequence at the shape (64 units, window 60, batch 256), fused kernels and unfused path
// alternating (the MF_WEBGPU_FUSED flag), wall and process CPU time. On a software adapter (lavapipe) CPU time is the
// steadier figure where the machine is shared. Usage: deno run -A bench/recurrent_kernels.ts [--reps 3]
import process from "node:process";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { platformBackend } from "../cli/versions.ts";
import { gruSequence } from "../models/gru/gru_op.ts";
import { lstmSequence } from "../models/lstm/lstm_op.ts";
import { selectBackend } from "../models/tfjs/backend.ts";
import { setFusedKernels } from "../models/tfjs/webgpu/fused_flag.ts";
import { median } from "./machine.ts";

const { values } = parseArgs({ args: Deno.args, options: { reps: { type: "string" } } });
const reps = Number(values.reps ?? 3);
const choice = await selectBackend("webgpu", platformBackend());
const b = 256, H = 64, L = 60;
const w = tf.randomNormal([L * b, H], 0, 1, "float32", 3);
console.log(`${choice.reason}; batch ${b}, ${H} units, window ${L}; median of ${reps}, alternating`);
console.log("| cell | fused wall ms | unfused wall ms | fused CPU ms | unfused CPU ms |\n|---|---|---|---|---|");
for (const cell of ["lstm", "gru"] as const) {
  const G = cell === "lstm" ? 4 : 3;
  const xz = tf.randomNormal([L * b, G * H], 0, 1, "float32", 1) as tf.Tensor2D;
  const u = tf.randomNormal([H, G * H], 0, 1 / Math.sqrt(H), "float32", 2) as tf.Tensor2D, bh = tf.zeros([G * H]) as tf.Tensor1D;
  const seq = (a: tf.Tensor, c: tf.Tensor) =>
    cell === "lstm" ? lstmSequence(a as tf.Tensor2D, c as tf.Tensor2D, L) : gruSequence(a as tf.Tensor2D, c as tf.Tensor2D, bh, L);
  // one scalar read back per pass, so the time includes all the device's work
  const pass = () => tf.tidy(() => tf.addN(tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(seq(a, c), w)))([xz, u]).map((g) => tf.sum(g))));
  const times = { fused: { wall: [] as number[], cpu: [] as number[] }, unfused: { wall: [] as number[], cpu: [] as number[] } };
  for (let rep = -1; rep < reps; rep++) {
    for (const mode of ["fused", "unfused"] as const) {
      setFusedKernels(mode === "fused");
      const t0 = performance.now(), c0 = process.cpuUsage();
      await pass().data();
      const c = process.cpuUsage(c0);
      // the first round compiles the kernels and is not counted
      if (rep >= 0) times[mode].wall.push(performance.now() - t0), times[mode].cpu.push((c.user + c.system) / 1000);
    }
  }
  const m = (a: number[]) => Math.round(median(a));
  console.log(`| ${cell} | ${m(times.fused.wall)} | ${m(times.unfused.wall)} | ${m(times.fused.cpu)} | ${m(times.unfused.cpu)} |`);
  tf.dispose([xz, u, bh]);
}
setFusedKernels(true);
