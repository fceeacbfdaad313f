// Writes experiments/reports/tune-binance-h5.md from the JSON lines scripts/tune-binance.sh saved in
// experiments/reports/tune-binance-h5/: each study's summary and trials, and the defaults against the best trial's
// settings trained on the usual split (test scored once, after tuning). Run: deno run -A scripts/tune_binance_report.ts
const dir = "experiments/reports/tune-binance-h5";
const read = (name: string) => {
  const lines = Deno.readTextFileSync(`${dir}/${name}`).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
};
const f3 = (v: number | null | undefined) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "-");
const f2 = (v: number | null | undefined) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(2) : "-");
const short = (params: Record<string, unknown>) =>
  Object.entries(params).map(([k, v]) =>
    `${k.replace(/^(params|dataset|trainer)\./, "")}=${typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(3)) : JSON.stringify(v)}`
  )
    .join(", ");

const rows: string[] = [], details: string[] = [], says: string[] = [];
for (const model of ["gbdt", "mlp"]) {
  const tune = read(`${model}-study.json`), show = read(`${model}-study-show.json`);
  // the study's wall time from its journal (creation to the last finish), whichever workers ran it
  const ops = Deno.readTextFileSync(`experiments/studies/${show.name}/journal.jsonl`).trim().split("\n").map((l) => JSON.parse(l));
  const finishes = ops.filter((op) => op.op === "finish").map((op) => Date.parse(op.at));
  const tuneMinutes = (Math.max(...finishes) - Date.parse(ops[0].at)) / 60_000;
  const base = read(`${model}-default.json`), best = read(`${model}-best.json`);
  const counts = tune.trials as Record<string, number>;
  rows.push(
    `| ${show.model} | ${counts.complete} / ${counts.pruned} / ${counts.failed} | ${tuneMinutes.toFixed(0)} min | ${f3(show.best?.value)} | ${
      f3(base.val.f1_macro)
    } | ${f3(best.val.f1_macro)} | **${f3(base.test.f1_macro)}** | **${f3(best.test.f1_macro)}** | ${f3(best.test.f1_macro - base.test.f1_macro)} | ${
      f2(base.test.sharpe)
    } | ${f2(best.test.sharpe)} |`,
  );
  const gain = best.test.f1_macro - base.test.f1_macro, sharpe = best.test.sharpe - base.test.sharpe;
  says.push(
    `${show.model}: the best trial's settings ${gain >= 0 ? "beat" : "trail"} the defaults on test macro-F1 by ${Math.abs(gain).toFixed(3)} ` +
      `(walk-forward ${f3(show.best.value)}, test ${f3(best.test.f1_macro)}); test Sharpe, which was not tuned, ${sharpe >= 0 ? "rose" : "fell"} from ` +
      `${f2(base.test.sharpe)} to ${f2(best.test.sharpe)}.`,
  );
  const importances = Object.entries((show.importances ?? {}) as Record<string, number>).sort((a, b) => b[1] - a[1]);
  const values = (show.trials as { state: string; value: number | null }[]).filter((t) => t.state === "complete").map((t) => t.value!);
  details.push(
    `### ${show.model}\n`,
    `- Study \`${show.name}\`: ${show.trials.length} trials, ${counts.complete} complete, ${counts.pruned} pruned between folds, ${counts.failed} failed; ` +
      `complete trials' mean walk-forward macro-F1 from ${f3(Math.min(...values))} to ${f3(Math.max(...values))}.`,
    `- Best trial ${show.best.number} (${f3(show.best.value)}): ${short(show.best.params)}.`,
    `- Parameter importances (PED-ANOVA): ${importances.map(([k, v]) => `${k.replace(/^(params|dataset|trainer)\./, "")} ${v.toFixed(2)}`).join(", ") || "-"}.`,
    `- Runs: defaults ${base.run_id}, best ${best.run_id}.`,
    "",
  );
}
const text = `<!-- Made by scripts/tune-binance.sh, then \`deno run -A scripts/tune_binance_report.ts\`; the JSON it reads is in tune-binance-h5/. -->
# Tuning GBDT and the MLP on Binance H5, scored by walk-forward cross-validation

**How it was made** (${new Date().toISOString().slice(0, 10)}, this repository's 2-core machine, shared with other work: load average 8-12):

\`\`\`sh
npm run mf -- prepare --input ../shared/data/binance-spot-5m.parquet --out experiments/prepared/binance-spot-5m
bash scripts/tune-binance.sh
\`\`\`

Each study is \`mf tune --cv walk_forward:3\` with TPE and the median pruner (no warm-up: it judges after each fold),
30 trials, macro-F1 maximised. A trial trains three runs: the rows of train + val (never test) cut into four equal
time blocks, fold k training on the blocks before block k + 1 and validating on it, 5 bars purged before every fold
boundary, the scaler fitted on each fold's training part; the trial's value is the mean of the three validation
macro-F1s. The base settings are \`config/tune/binance-{gbdt,mlp}-h5.json\` (the models' own configs, with training
windows sampled to keep 30 trials within the session: 60,000 per fold and at most 120 rounds for GBDT, 20,000 and at most
4 epochs for the MLP); the spaces are the models' own narrowed by \`config/tune/{gbdt,mlp}-space.yaml\` (GBDT depth at
most 8; the MLP's hidden sizes, window length 1-4 bars and batch size). Then the defaults (the base settings
as they are) and the best trial's settings (\`best_config.json\`) are each trained once on the usual split, with the same
sampling, and test is scored: the only time test is read.

| model | trials complete / pruned / failed | tuning time | best walk-forward F1 | val F1 defaults | val F1 best | test F1 defaults | test F1 best | test F1 best - defaults | test Sharpe defaults | test Sharpe best |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Test Sharpe is annualised, without costs, as in the baseline report.

**What it says**: ${says.join(" ")} Each figure is one training with one seed on one split; how much of a 0.01 difference is seed-to-seed variation was
not measured here. Macro-F1 was the objective; a better F1 does not by itself make a strategy that trades every bar
profitable.

${details.join("\n")}`;
Deno.writeTextFileSync("experiments/reports/tune-binance-h5.md", text);
console.log(text);
