import { join } from "node:path";
import { ConfigError } from "../../core/errors.ts";
import type { ParamImportances } from "../../core/tune/importance.ts";
import type { Study } from "../../core/tune/journal.ts";
import { bestTrial, loadStudy } from "../../core/tune/study.ts";
import { importancesOf } from "../../core/tune/study_view.ts";
import { parseFlags } from "../args.ts";
import { DiskJournalStore } from "../disk_journal.ts";
import { table } from "../summary.ts";

const flags = { studies: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf study`. */
export const studyUsage = `mf study list [--studies experiments/studies] [--json]
mf study show NAME [--studies experiments/studies] [--json]
   (the trials table, the best trial and the parameter importances (PED-ANOVA); with --json the last line is
    {name, model, direction, best, trials, importances})`;

/** `mf study list|show`: the studies under --studies, or one study's trials. */
export async function studyCommand(args: string[]): Promise<unknown> {
  const [sub, ...rest] = args;
  if (!sub || sub === "--help" || sub === "-h") return void console.log(studyUsage);
  const positional = sub === "show" ? rest[0] : undefined;
  if (sub === "show" && (!positional || positional.startsWith("-"))) throw new ConfigError("mf study show: name the study (mf study show NAME)");
  const f = parseFlags(`study ${sub}`, sub === "show" ? rest.slice(1) : rest, flags);
  if (f.help) return void console.log(studyUsage);
  const store = new DiskJournalStore(f.studies ?? join("experiments", "studies"));
  if (sub === "list") {
    const studies: Study[] = [];
    for (const name of await store.list()) studies.push(await loadStudy(store, name));
    if (f.json) return void console.log(JSON.stringify(studies.map((s) => ({ ...summary(s), trials: s.trials.length }))));
    if (studies.length === 0) return void console.log(`no studies in ${store.root}`);
    const rows = studies.map((s) => {
      const best = bestTrial(s);
      const count = (state: string) => String(s.trials.filter((t) => t.state === state).length);
      return [
        s.name,
        s.header.model,
        `h${s.header.horizon}`,
        `${s.header.objective} (${s.direction.slice(0, 3)})`,
        String(s.trials.length),
        count("complete"),
        count("pruned"),
        count("failed"),
        count("running"),
        best ? best.value!.toFixed(4) : "-",
      ];
    });
    return void console.log(table([["study", "model", "horizon", "objective", "trials", "complete", "pruned", "failed", "running", "best"], ...rows]));
  }
  if (sub === "show") {
    const study = await loadStudy(store, positional!);
    const best = bestTrial(study);
    const out = f.json ? (text: string) => console.error(text) : (text: string) => console.log(text);
    out(
      `study ${study.name}: ${study.header.model} h${study.header.horizon}, ${study.header.objective} (${study.direction}), sampler ${study.header.sampler}, pruner ${
        study.header.pruner?.name ?? "none"
      }`,
    );
    out(studyTable(study));
    out(best ? `best: trial ${best.number}, ${best.value!.toFixed(4)}, params ${JSON.stringify(best.params)}, run ${best.run_id}` : "best: none completed");
    const importances = importancesOf(study);
    out(importanceBars(importances));
    if (f.json) {
      console.log(JSON.stringify({
        ...summary(study),
        trials: study.trials.map((t) => ({
          number: t.number,
          state: t.state,
          value: t.value ?? null,
          params: t.params,
          run_id: t.run_id ?? null,
          worker: t.worker,
        })),
        importances: importances.importances,
      }));
    }
    return study;
  }
  throw new ConfigError(`mf study: unknown subcommand "${sub}"; use list or show`);
}

function summary(study: Study) {
  const best = bestTrial(study);
  return {
    name: study.name,
    model: study.header.model,
    direction: study.direction,
    best: best ? { number: best.number, value: best.value, params: best.params } : null,
  };
}

/** Parameter importances as text bars, largest first, or the reason there are none. */
export function importanceBars({ importances, trials, reason }: ParamImportances): string {
  const entries = Object.entries(importances);
  if (!entries.length) return `importances: none (${reason})`;
  const width = Math.max(...entries.map(([k]) => k.length));
  const lines = entries.map(([k, share]) => `  ${k.padEnd(width)}  ${"█".repeat(Math.round(share * 40)).padEnd(40)}  ${share.toFixed(3)}`);
  return [`importances (PED-ANOVA over ${trials} complete trials${reason ? `; ${reason}` : ""}):`, ...lines].join("\n");
}

/** The trials of a study, one row each: number, state, value, epochs reported, parameters, run, and the worker (array task) that ran it. */
export function studyTable(study: Study): string {
  const format = (v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(4)).toString() : JSON.stringify(v));
  const rows = study.trials.map((t) => [
    String(t.number),
    t.state,
    t.value !== undefined ? t.value.toFixed(4) : "-",
    String(Object.keys(t.intermediate).length),
    Object.entries(t.params).map(([k, v]) => `${k.replace(/^params\./, "")}=${format(v)}`).join(" "),
    t.run_id ?? (t.reason ? `(${t.reason.slice(0, 60)})` : ""),
    t.worker,
  ]);
  return table([["#", "state", "value", "steps", "params", "run", "worker"], ...rows]);
}
