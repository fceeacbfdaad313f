// Sampler benchmark (issue 13's Must-show): our TPE and random search against Optuna's TPE and random search on Branin
// (2-D), Hartmann-6 (6-D) and a five-parameter GBDT-on-synth objective (bench/tune_objective_gbdt.ts), `seeds` seeds x
// `trials` trials each, minimising; the measure is the median over seeds of the regret, the best value found minus the
// function's known minimum (for GBDT, minus the best value any study found).
// Usage: npm run bench:tune [-- --seeds 20] [--check-seeds 200] [--gbdt-seeds 20] [--trials 60]
// The verdict is taken over `seeds` seeds (issue 13's 20); the same figures over `check-seeds` seeds show how much of a
// difference is seed luck (0 leaves them out; not for GBDT, whose trials are fits). `--gbdt-seeds 0` leaves GBDT out.
// Ours runs a plain ask/tell loop over core/tune/samplers (history of FrozenTrials, sample, evaluate, append), one trial
// at a time, as bench/tune_reference.py runs Optuna (pip install optuna; this benchmark only, the toolkit never needs
// Python). Without python3 + optuna the reference is recorded as skipped. Writes experiments/benchmarks/tune.{json,md}.
// Our TPE runs twice: with its default per-trial streams (`tpe`, what mf tune uses), and with `stream: "numpy"`
// (`tpe_numpy`, mf tune --sampler tpe:numpy), which draws Optuna's own random numbers in Optuna's order, so each of its
// studies should be Optuna's study with the same seed; the table counts the seeds where the best values agree.
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { FrozenTrial, Sampler } from "../core/tune/sampler.ts";
import { randomSampler } from "../core/tune/samplers/random.ts";
import { tpeSampler } from "../core/tune/samplers/tpe.ts";
import type { SearchSpace } from "../core/tune/space.ts";
import { createRng } from "../core/random.ts";
import { machine, median } from "./machine.ts";
import { GBDT_ROUNDS, GBDT_SPACE, GBDT_SYNTH, gbdtObjective } from "./tune_objective_gbdt.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { seeds: { type: "string" }, "check-seeds": { type: "string" }, "gbdt-seeds": { type: "string" }, trials: { type: "string" } },
});
const seeds = Number(values.seeds ?? 20), checkSeeds = Number(values["check-seeds"] ?? 200), trials = Number(values.trials ?? 60);
const gbdtSeeds = Number(values["gbdt-seeds"] ?? seeds);

/** A function to minimise over a space, with its known minimum (none for GBDT: its regret is taken from the best value any study found). */
interface Objective {
  space: SearchSpace;
  minimum?: number;
  evaluate(p: Record<string, unknown>): number | Promise<number>;
}

/** Branin on [-5, 10] x [0, 15]; minimum 0.397887 at (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475). */
function branin(p: Record<string, unknown>): number {
  const x1 = p.x1 as number, x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI;
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

// Hartmann-6 constants, as in bench/tune_reference.py (Surjanovic & Bingham's virtual library of simulation experiments).
const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

/** Hartmann-6 on [0, 1]^6; minimum -3.32237. */
function hartmann6(p: Record<string, unknown>): number {
  let total = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H6_A[i][j] * ((p[`x${j + 1}`] as number) - 1e-4 * H6_P[i][j]) ** 2;
    total += H6_ALPHA[i] * Math.exp(-inner);
  }
  return -total;
}

const unit = { type: "float", low: 0, high: 1 } as const;
const OBJECTIVES: Record<string, Objective> = {
  branin: { space: { x1: { type: "float", low: -5, high: 10 }, x2: { type: "float", low: 0, high: 15 } }, minimum: 0.397887, evaluate: branin },
  hartmann6: {
    space: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`x${i}`, unit])),
    minimum: -3.32237,
    evaluate: hartmann6,
  },
};

/** One study: `trials` trials sampled one after another, each told before the next is asked; returns the best value. */
async function study(objective: Objective, sampler: Sampler, seed: number): Promise<number> {
  const history: FrozenTrial[] = [];
  let best = Infinity;
  for (let number = 0; number < trials; number++) {
    const params = sampler.sample(objective.space, history, { direction: "minimize", number, seed });
    const value = await objective.evaluate(params);
    history.push({ number, state: "complete", params, value, intermediate: {} });
    best = Math.min(best, value);
  }
  return best;
}

/** Optuna's best values per objective, sampler and seed (seeds 0..n-1), or why the reference did not run. */
async function reference(n: number, gbdtN: number): Promise<
  { optuna?: string; best?: Record<string, Record<string, number[]>>; seconds?: Record<string, Record<string, number>>; skipped?: string }
> {
  const command = new Deno.Command("python3", {
    args: [join("bench", "tune_reference.py"), String(n), String(trials), String(gbdtN), Deno.execPath()],
    stdout: "piped",
    stderr: "piped",
  });
  const out = await command.output().catch((e: Error) => e);
  if (out instanceof Error) return { skipped: `python3 did not start: ${out.message}` };
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) {
    if (stderr.includes("No module named 'optuna'")) return { skipped: "optuna is not installed for python3 (pip install optuna)" };
    throw new Error(`bench/tune_reference.py failed (exit ${out.code}): ${stderr.slice(-2000)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Best values of our samplers per objective and seed (seeds 0..n-1), and the seconds each sampler took. */
async function runOurs(n: number, gbdtN: number) {
  const best: Record<string, Record<string, number[]>> = {}, seconds: Record<string, Record<string, number>> = {};
  for (const [name, objective] of Object.entries(OBJECTIVES)) {
    best[name] = {};
    seconds[name] = {};
    const samplers = [["tpe", tpeSampler()], ["tpe_numpy", tpeSampler({ stream: "numpy" })], ["random", randomSampler()]] as const;
    for (const [label, sampler] of samplers) {
      const t0 = performance.now();
      best[name][label] = [];
      for (let seed = 0; seed < (name === "gbdt" ? gbdtN : n); seed++) best[name][label].push(await study(objective, sampler, seed));
      seconds[name][label] = (performance.now() - t0) / 1000;
    }
  }
  return { best, seconds };
}

/**
 * A 90% bootstrap interval of median(a) / median(b), resampling the seeds of each side (2,000 resamples, fixed seed):
 * how far the ratio moves from the luck of the seeds alone.
 */
function ratioInterval(a: number[], b: number[]): [number, number] {
  const rng = createRng(13);
  const resample = (xs: number[]) => median(Array.from(xs, () => xs[rng.int(xs.length)]));
  const ratios = Array.from({ length: 2000 }, () => resample(a) / resample(b)).sort((x, y) => x - y);
  return [ratios[Math.floor(0.05 * ratios.length)], ratios[Math.floor(0.95 * ratios.length)]];
}

/** Median regrets of the four samplers over the first `n` seeds, and the verdicts on them. */
function verdict(name: string, n: number, ours: Record<string, number[]>, optuna: Record<string, number[]> | undefined) {
  // Without a known minimum the regret is measured from the best value any study of any sampler found.
  const all = [...Object.values(ours), ...Object.values(optuna ?? {})].flat();
  const minimum = OBJECTIVES[name].minimum ?? Math.min(...all);
  const regrets = (best: number[]) => best.slice(0, n).map((b) => b - minimum);
  const median_regret = {
    tpe: median(regrets(ours.tpe)),
    tpe_numpy: median(regrets(ours.tpe_numpy)),
    optuna_tpe: optuna ? median(regrets(optuna.optuna_tpe)) : undefined,
    random: median(regrets(ours.random)),
    optuna_random: optuna ? median(regrets(optuna.optuna_random)) : undefined,
  };
  const { tpe, tpe_numpy, optuna_tpe, random, optuna_random } = median_regret;
  // Seeds where the numpy-stream study found Optuna's best value (to 1e-9): the studies were the same study.
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  return {
    seeds: n,
    median_regret,
    ratio_to_optuna: optuna_tpe === undefined ? undefined : tpe / optuna_tpe,
    ratio_90pct_interval: optuna ? ratioInterval(regrets(ours.tpe), regrets(optuna.optuna_tpe)) : undefined,
    within_5pct_of_optuna_tpe: optuna_tpe === undefined ? undefined : tpe <= 1.05 * optuna_tpe,
    better_than_random: tpe < random && (optuna_random === undefined || tpe < optuna_random),
    numpy: {
      ratio_to_optuna: optuna_tpe === undefined ? undefined : tpe_numpy / optuna_tpe,
      within_5pct_of_optuna_tpe: optuna_tpe === undefined ? undefined : tpe_numpy <= 1.05 * optuna_tpe,
      better_than_random: tpe_numpy < random && (optuna_random === undefined || tpe_numpy < optuna_random),
      seeds_with_optunas_best: optuna ? ours.tpe_numpy.slice(0, n).filter((b, i) => same(b, optuna.optuna_tpe[i])).length : undefined,
    },
  };
}

if (gbdtSeeds > 0) OBJECTIVES.gbdt = { space: GBDT_SPACE, evaluate: await gbdtObjective() };
const total = Math.max(seeds, checkSeeds);
// Optuna runs in its own processes meanwhile (its GBDT trials in a second Deno), so the two sides share the wall time.
const refRun = reference(total, gbdtSeeds);
const ours = await runOurs(total, gbdtSeeds);
const ref = await refRun;

const fmt = (v: number | undefined) => (v === undefined ? "skipped" : v.toPrecision(4));
const yesNo = (v: boolean | undefined) => (v === undefined ? "not measured (no Optuna)" : v ? "yes" : "**no**");
const verdicts: Record<string, ReturnType<typeof verdict>[]> = {};
const rows: string[] = [], numpyRows: string[] = [];
for (const name of Object.keys(OBJECTIVES)) {
  const counts = name === "gbdt" ? [gbdtSeeds] : [...new Set([seeds, checkSeeds])].filter((n) => n > 0);
  verdicts[name] = counts.map((n) => verdict(name, n, ours.best[name], ref.best?.[name]));
  for (const v of verdicts[name]) {
    const r = v.median_regret;
    const ratio = v.ratio_to_optuna === undefined
      ? "-"
      : `${(v.ratio_to_optuna * 100).toFixed(0)}% (${v.ratio_90pct_interval!.map((x) => (x * 100).toFixed(0)).join("-")}%)`;
    rows.push(
      `| ${name} | ${v.seeds} | ${fmt(r.tpe)} | ${fmt(r.optuna_tpe)} | ${fmt(r.random)} | ${fmt(r.optuna_random)} | ${ratio} | ${
        yesNo(v.within_5pct_of_optuna_tpe)
      } | ${yesNo(v.better_than_random)} |`,
    );
    const np = v.numpy;
    numpyRows.push(
      `| ${name} | ${v.seeds} | ${fmt(r.tpe_numpy)} | ${fmt(r.optuna_tpe)} | ${fmt(r.tpe)} | ${
        np.ratio_to_optuna === undefined ? "-" : `${(np.ratio_to_optuna * 100).toFixed(0)}%`
      } | ${yesNo(np.within_5pct_of_optuna_tpe)} | ${yesNo(np.better_than_random)} | ${np.seeds_with_optunas_best ?? "-"} of ${v.seeds} |`,
    );
  }
}

/** One plain sentence per seed count: where our TPE is and is not within 5% of Optuna's, and whether it beats random. */
function summary(n: number): string {
  const at = Object.entries(verdicts).map(([name, vs]) => [name, vs.find((v) => v.seeds === n)] as const).filter((e) => e[1] !== undefined)
    .map(([name, v]) => [name, v!] as const);
  if (!ref.best) {
    return `Over ${n} seeds our TPE beats random search on ${
      at.filter(([, v]) => v.better_than_random).map(([k]) => k).join(", ") || "none"
    }; Optuna was not run.`;
  }
  const within = at.filter(([, v]) => v.within_5pct_of_optuna_tpe).map(([k]) => k);
  const outside = at.filter(([, v]) => !v.within_5pct_of_optuna_tpe).map(([k]) => k);
  const beats = at.filter(([, v]) => v.better_than_random).map(([k]) => k);
  return `Over ${n} seeds our TPE is within 5% of Optuna's median regret (or better) on ${within.join(", ") || "none"}` +
    (outside.length ? ` and NOT on ${outside.join(", ")}` : "") + `; it beats both random searches on ${beats.join(", ") || "none"}. ` +
    `The 90% interval of the ratio reaches both below 95% and above 105% (seed luck alone could put it either side of the mark) on ${
      at.filter(([, v]) => v.ratio_90pct_interval![0] < 0.95 && v.ratio_90pct_interval![1] > 1.05).map(([k]) => k).join(", ") || "none"
    }.`;
}

/**
 * The verdict on issue 13's mark at `seeds` seeds: our TPE on Optuna's random numbers (the numpy mode, which isolates
 * the algorithm), then with its default streams (the same algorithm, other random numbers).
 */
function verdictLines(): string[] {
  if (!ref.best) return ["Optuna was not run, so the mark (within 5% of Optuna's median regret) is not measured."];
  const at = Object.entries(verdicts).map(([name, vs]) => [name, vs.find((v) => v.seeds === (name === "gbdt" ? gbdtSeeds : seeds))!] as const)
    .filter(([, v]) => v !== undefined);
  const pct = (x: number | undefined) => `${((x ?? NaN) * 100).toFixed(0)}%`;
  const numpyPass = at.every(([, v]) => v.numpy.within_5pct_of_optuna_tpe && v.numpy.better_than_random);
  const defaultPass = at.every(([, v]) => v.within_5pct_of_optuna_tpe && v.better_than_random);
  return [
    `- **Our TPE on Optuna's random numbers** (numpy mode): ${
      at.map(([k, v]) =>
        `${k} ${pct(v.numpy.ratio_to_optuna)} of Optuna's median regret (${v.numpy.seeds_with_optunas_best} of ${v.seeds} seeds with Optuna's best value)`
      )
        .join(", ")
    }; ${numpyPass ? "within 5% and better than both random searches on each: the mark holds" : "the mark does NOT hold on each"}.`,
    `- **Our TPE with its default per-trial streams**: ${at.map(([k, v]) => `${k} ${pct(v.ratio_to_optuna)}`).join(", ")}; ${
      defaultPass
        ? "within 5% and better than random on each"
        : `outside the mark on ${at.filter(([, v]) => !(v.within_5pct_of_optuna_tpe && v.better_than_random)).map(([k]) => k).join(", ")}`
    }. The same algorithm drawing other random numbers; how much of the difference is the seeds' luck shows in the ${
      checkSeeds > seeds ? `${checkSeeds}-seed rows and the ` : ""
    }90% intervals below.`,
  ];
}

const m = machine();
const result = {
  machine: m,
  seeds,
  check_seeds: checkSeeds,
  gbdt: OBJECTIVES.gbdt ? { seeds: gbdtSeeds, synth: GBDT_SYNTH, rounds: GBDT_ROUNDS, space: GBDT_SPACE, objective: "validation log loss" } : null,
  trials,
  optuna: ref.optuna ?? null,
  skipped: ref.skipped ?? null,
  verdicts,
  ours: ours.best,
  optuna_best: ref.best ?? null,
  seconds: { ours: ours.seconds, optuna: ref.seconds ?? null },
};
const dir = join("experiments", "benchmarks");
await Deno.mkdir(dir, { recursive: true });
await Deno.writeTextFile(join(dir, "tune.json"), JSON.stringify(result, null, 2) + "\n");
const md = [
  "# Benchmark: tune (samplers against Optuna)",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Deno ${m.deno}; ${
    ref.optuna ? `Optuna ${ref.optuna}` : `Optuna skipped: ${ref.skipped}`
  }. Rerun with \`npm run bench:tune\`.`,
  "",
  `Each sampler minimises each function once per seed, ${trials} trials per study, one trial at a time (ask, evaluate, tell).`,
  "Regret is a study's best value minus the function's known minimum (Branin 0.397887, Hartmann-6 -3.32237); the table",
  "gives the median regret over seeds (lower is better). Our TPE runs with its defaults (Optuna 5's: 10 random startup",
  "trials, 24 EI candidates, multivariate, constant liar), Optuna's TPE with the same settings (bench/tune_reference.py).",
  "",
  ...(OBJECTIVES.gbdt
    ? [
      `GBDT is trees:gbdt on synth (${GBDT_SYNTH.symbols} symbols x ${GBDT_SYNTH.rows} bars x ${GBDT_SYNTH.features} features, signal ${GBDT_SYNTH.signal},`,
      `horizon 5), ${GBDT_ROUNDS} rounds, trainer seed 42, tuning ${Object.keys(GBDT_SPACE).map((k) => k.replace("params.", "")).join(", ")}`,
      "(bench/tune_objective_gbdt.ts) for validation log loss; it has no known minimum, so its regret is measured from the",
      "lowest log loss any study of any sampler found. Optuna's trials are fitted by the same TypeScript code, in one Deno",
      "process that bench/tune_reference.py feeds parameters through stdin.",
    ]
    : [`The GBDT-on-synth objective was left out of this run (--gbdt-seeds 0).`]),
  "",
  `The pass mark (issue 13): over ${seeds} seeds, our TPE's median regret at most 105% of Optuna TPE's, and below both`,
  ...(checkSeeds > seeds
    ? [
      `random searches'. The same figures over ${checkSeeds} seeds (seeds 0-${checkSeeds - 1}, the first ${seeds} included) show how`,
      "much of a difference is the luck of the seeds; so does the 90% bootstrap interval of the ratio (seeds resampled).",
    ]
    : ["random searches'. The 90% bootstrap interval of the ratio (seeds resampled) shows how much of it is the luck of the seeds."]),
  "",
  `## Verdict (${seeds} seeds${gbdtSeeds !== seeds && OBJECTIVES.gbdt ? `, GBDT ${gbdtSeeds}` : ""})`,
  "",
  ...verdictLines(),
  "",
  "## Our TPE with its default streams",
  "",
  "| objective | seeds | our TPE | Optuna TPE | our random | Optuna random | ours / Optuna (90% interval) | within 5% of Optuna | better than random |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows,
  "",
  ...[...new Set([seeds, checkSeeds, gbdtSeeds])].filter((n) => n > 0).map((n) => `- ${summary(n)}`),
  "",
  "## Our TPE on Optuna's random numbers",
  "",
  'The same TPE with `stream: "numpy"` (`mf tune --sampler tpe:numpy`): it draws from numpy RandomStates seeded as',
  "Optuna's `TPESampler(seed)` seeds its own (core/random_numpy.ts), in Optuna's order (startup values as its",
  "RandomSampler draws them, then the Parzen candidates), so where the arithmetic agrees each study is Optuna's study with",
  "the same seed; equal observations take their bandwidths in numpy's argsort order, as Optuna's do (core/numpy_argsort.ts).",
  "The last column counts the seeds whose best value equals Optuna's (to 1e-9). The default mode (the table above) draws",
  "each trial from its own stream, which parallel workers need, and orders equal observations stably; the two modes differ",
  "only in those two points.",
  "",
  "| objective | seeds | our TPE, numpy streams | Optuna TPE | our TPE, per-trial streams | numpy streams / Optuna | within 5% of Optuna | better than random | seeds with Optuna's best value |",
  "|---|---|---|---|---|---|---|---|---|",
  ...numpyRows,
  "",
  ...(OBJECTIVES.gbdt
    ? [
      "GBDT's space has an integer parameter (max_depth, 7 values), so its observations tie; Branin and Hartmann-6 have",
      "float parameters only, which do not. Before the numpy mode followed numpy's order of ties (a stable one instead), 1",
      "GBDT study of 20 was Optuna's (tune.md of 2026-12-01).",
      "",
    ]
    : []),
].join("\n");
await Deno.writeTextFile(join(dir, "tune.md"), md);
console.log(md);
