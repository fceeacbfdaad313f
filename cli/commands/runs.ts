import { dataId } from "../../core/data/fingerprint_id.ts";
import { matches, parseSelect, SELECT_KEYS } from "../../core/bundle/select.ts";
import { ConfigError, DataError, NotFoundError } from "../../core/errors.ts";
import { runLiveness } from "../../core/train/liveness.ts";
import { type ListedRun, listRuns } from "../../core/train/run_listing.ts";
import { runProblem } from "../../core/train/run_check.ts";
import { readRunJson, RunRecord } from "../../core/train/run_record.ts";
import { parseFlags } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { localProbe } from "../process_probe.ts";
import { DEFAULT_RUNS, openRunRef, settleRuns } from "../run_ref.ts";
import { table } from "../summary.ts";

const flags = { runs: { type: "string" }, select: { type: "string" }, force: { type: "boolean" }, json: { type: "boolean" } } as const;

/** Usage of `mf runs`. */
export const runsUsage = `mf runs list [--runs experiments/runs] [--select "model=mlp,status=finished"] [--json]
         show RUN_DIR_OR_ID [--runs DIR] [--json]
         delete RUN_ID... | --select KEY=VALUE[,...] [--runs DIR] [--force] [--json]
     (list: one line per run, its headline val/test figures; a damaged run is named and left out. A run left
      running by a process that is gone is marked interrupted first. --select keys: ${SELECT_KEYS.join(", ")}.
      delete refuses a run whose process is still training it unless --force)`;

const SUBCOMMANDS = ["list", "show", "delete"] as const;

/** `mf runs`: lists, shows and deletes the runs of a runs folder. */
export async function runsCommand(args: string[]): Promise<void> {
  const [sub, ...after] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") return console.log(runsUsage);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new ConfigError(`mf runs: unknown subcommand "${sub}"; give one of ${SUBCOMMANDS.join(", ")}`, { key: "subcommand", value: sub });
  }
  // positional arguments (run ids) come before the flags
  const firstFlag = after.findIndex((a) => a.startsWith("-"));
  const positional = firstFlag < 0 ? after : after.slice(0, firstFlag);
  const f = parseFlags(`runs ${sub}`, firstFlag < 0 ? [] : after.slice(firstFlag), flags);
  if (f.help) return console.log(runsUsage);
  if (sub === "list") {
    if (positional.length) throw new ConfigError(`mf runs list takes no run ids (got ${positional.join(" ")}); use --select id=...`, { key: "select" });
    return list(f);
  }
  if (sub === "show") {
    if (positional.length !== 1) throw new ConfigError(`mf runs show: name one run (a run folder or an id), got ${positional.length}`, { key: "run" });
    return show(positional[0], f);
  }
  return remove(positional, f);
}

async function list(f: { runs?: string; select?: string; json?: boolean }): Promise<void> {
  const selection = f.select === undefined ? undefined : parseSelect(f.select);
  const store = new DiskRunStore(f.runs ?? DEFAULT_RUNS);
  await settleRuns(store);
  const { runs, damaged } = await listRuns(store, { now: Date.now(), probe: localProbe() });
  for (const d of damaged) console.error(`warning: run ${d.id} is damaged and left out: ${d.problem}`);
  const chosen = selection ? runs.filter((r) => matches(r.record, selection)) : runs;
  if (f.json) {
    console.log(JSON.stringify({ runs: chosen.map(summary), damaged }));
    return;
  }
  if (!chosen.length) {
    console.log(`No runs in ${store.root}${selection ? ` match --select "${f.select}" (${runs.length} runs there)` : ""}`);
    return;
  }
  const fmt = (v: number | undefined) => (v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(4));
  console.log(table([
    ["id", "model", "h", "status", "created", "epochs", "val f1", "test f1", "test sharpe", "data"],
    ...chosen.map((r) => [
      r.id,
      r.record.model,
      String(r.record.horizon),
      r.record.status,
      r.record.created_at.slice(0, 19).replace("T", " "),
      fmt(r.record.epochs_run),
      fmt(r.val?.f1_macro),
      fmt(r.test?.f1_macro),
      fmt(r.test?.sharpe),
      dataId(r.record.dataset),
    ]),
  ]));
  console.log(`${chosen.length} run(s) in ${store.root}${damaged.length ? `; ${damaged.length} damaged run(s) left out` : ""}`);
}

/** A run in `--json` output: what identifies it, how it ended, and its headline figures. */
function summary(r: ListedRun) {
  const { record } = r;
  return {
    id: r.id,
    model: record.model,
    horizon: record.horizon,
    status: record.status,
    created_at: record.created_at,
    ...(record.error ? { error: record.error } : {}),
    epochs_run: record.epochs_run ?? null,
    best_epoch: record.best_epoch ?? null,
    /** Runs on the same files, rows, symbols, features and time split share it (the app's runs table shows it too). */
    data_id: dataId(record.dataset),
    val: r.val ?? {},
    test: r.test ?? {},
  };
}

async function show(run: string, f: { runs?: string; json?: boolean }): Promise<void> {
  const { store, runId } = await openRunRef(run, f.runs);
  await settleRuns(store, [runId]);
  const problem = await runProblem(store, runId, "whole");
  if (problem) throw new DataError(`${problem} (in ${store.location(runId)})`, { file: store.location(runId) });
  const { runs } = await listRuns(store, { now: Date.now(), probe: localProbe(), ids: [runId] });
  const r = runs[0];
  const files = await store.files(runId);
  if (f.json) {
    console.log(JSON.stringify({ ...summary(r), location: store.location(runId), record: r.record, files }));
    return;
  }
  const rec = r.record;
  const lines = [
    `run ${runId}: ${rec.model} h${rec.horizon}, window ${rec.seq_len}, ${rec.status}${rec.error ? ` (${rec.error})` : ""}`,
    `  in ${store.location(runId)}, created ${rec.created_at}, backend ${rec.backend.name}, seed ${rec.seed}`,
    `  epochs ${rec.epochs_run ?? "-"}, best ${rec.best_epoch === undefined ? "-" : rec.best_epoch + 1}${rec.stop_reason ? ` (${rec.stop_reason})` : ""}`,
    `  data: ${Object.entries(rec.dataset.files).map(([split, file]) => `${split} ${file.name} (${file.rows} rows, ${file.samples} samples)`).join("; ")}`,
  ];
  const keys = ["accuracy", "f1_macro", "log_loss", "sharpe", "max_drawdown", "n_trades"];
  if (r.val || r.test) {
    const fmt = (v: number | undefined) => (v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(4));
    lines.push("", table([["metric", "val", "test"], ...keys.map((k) => [k, fmt(r.val?.[k]), fmt(r.test?.[k])])]));
  }
  lines.push("", `files: ${files.join(", ")}`);
  console.log(lines.join("\n"));
}

async function remove(ids: string[], f: { runs?: string; select?: string; force?: boolean; json?: boolean }): Promise<void> {
  if (!ids.length && f.select === undefined) throw new ConfigError("mf runs delete: name the runs (ids) or give --select KEY=VALUE", { key: "select" });
  if (ids.length && f.select !== undefined) throw new ConfigError("mf runs delete: give run ids or --select, not both", { key: "select" });
  const store = new DiskRunStore(f.runs ?? DEFAULT_RUNS);
  await settleRuns(store);
  let targets: string[];
  if (f.select !== undefined) {
    const selection = parseSelect(f.select);
    const { runs } = await listRuns(store, { now: Date.now(), probe: localProbe() });
    targets = runs.filter((r) => matches(r.record, selection)).map((r) => r.id);
    if (!targets.length) throw new NotFoundError(`No run in ${store.root} matches --select "${f.select}"`);
  } else {
    // every id is checked before anything is deleted; a damaged run (or a partial folder) can be deleted by its id
    for (const id of ids) if (!(await store.has(id))) throw new NotFoundError(`No run ${id} in ${store.root}`);
    targets = ids;
  }
  if (!f.force) {
    for (const id of targets) {
      const record = await readRunJson(store, id, "run.json", RunRecord).catch((error) => {
        if (error instanceof DataError || error instanceof NotFoundError) return undefined; // damaged or partial: nothing runs it
        throw error;
      });
      if (record?.status !== "running") continue;
      const live = await runLiveness(store, record, { now: Date.now(), probe: localProbe() });
      if (!live.interrupted) {
        throw new DataError(`Run ${id} is still running (its process is alive); stop it first, or give --force to delete it anyway`, { value: id });
      }
    }
  }
  for (const id of targets) {
    await store.remove(id);
    if (!f.json) console.log(`deleted ${id}`);
  }
  if (f.json) console.log(JSON.stringify({ deleted: targets, runs: store.root }));
}
