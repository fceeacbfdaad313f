import { join } from "node:path";
import type { Study } from "../../core/tune/journal.ts";
import { loadStudy } from "../../core/tune/study.ts";
import type { FlagSpec } from "../args.ts";
import type { DiskJournalStore } from "../disk_journal.ts";
import { checkMarkers } from "../shared_marker.ts";
import { dispatch } from "./dispatch.ts";
import { type Emit, type ScaleOut, scaleOutMode, type ScaleOutValues, workerArgs } from "./flags.ts";
import { type WorkerIdentity, workerIdentity } from "./identity.ts";

/** How `mf tune` runs (scaleOutMode), and who it is when it is one of a submission's workers. */
export interface TuneScale {
  scale: ScaleOut;
  identity?: WorkerIdentity;
}

/** Reads `mf tune`'s scale-out flags before anything is written: a bad combination or array task index stops here. */
export function tuneScaleOutMode(f: ScaleOutValues, emit?: Emit): TuneScale {
  const scale = scaleOutMode("tune", f, emit);
  return { scale, ...(scale.mode === "worker" ? { identity: workerIdentity(f) } : {}) };
}

/** What `tuneScaleOut` needs of the tune command: its arguments, where the study and runs are, the budget. */
export interface TuneScaleOutOptions {
  tune: TuneScale;
  /** The command's arguments after `tune`, `--emit` taken out. */
  args: readonly string[];
  flags: FlagSpec;
  f: ScaleOutValues;
  study: string;
  studies: DiskJournalStore;
  /** The runs folder (--out). */
  runs: string;
  budget: number;
}

/** How submitted workers ended: whether they all have (local, slurm --wait), and how many trials they ran. */
export interface TuneScaledOut {
  ended: boolean;
  ran: number;
}

/**
 * The scale-out part of `mf tune`, after the study is created or joined: a worker checks that it sees the
 * submitter's folders (the marker) and goes on to run trials (undefined); `--executor local|slurm` and `--emit`
 * start or write the workers (every one `mf tune ... --study NAME --worker`) and say how they ended.
 */
export async function tuneScaleOut(o: TuneScaleOutOptions): Promise<TuneScaledOut | undefined> {
  const { scale, identity } = o.tune;
  const folder = o.studies.folder(o.study);
  if (scale.mode === "alone") return undefined;
  if (scale.mode === "worker") {
    if (o.f["shared-marker"]) await checkMarkers([folder, o.runs], o.f["shared-marker"], identity!.who);
    console.error(`${identity!.who} (pid ${Deno.pid}): study ${o.study}`);
    return undefined;
  }
  // the workers must join this study: name it even when the default name was used
  const args = o.args.includes("--study") ? o.args : [...o.args, "--study", o.study];
  const out = await dispatch({
    command: "tune",
    scale,
    args: workerArgs(args, o.flags),
    defaultWorkers: o.budget,
    name: o.study,
    shared: [folder, o.runs],
    logs: join(folder, "slurm"),
    watch: `mf study show ${o.study} --studies ${o.studies.root}`,
    progress: async () => trialCounts(await loadStudy(o.studies, o.study)),
    log: (line) => console.error(line),
  });
  if (!out.ended) return { ended: false, ran: 0 };
  for (const line of out.troubled) console.error(`note: ${line}`);
  const study = await loadStudy(o.studies, o.study);
  return { ended: true, ran: study.trials.filter((t) => t.worker.startsWith(`${out.submission}[`)).length };
}

/** "12 trials: 9 complete, 2 pruned, 1 running". */
function trialCounts(study: Study): string {
  const counts = ["complete", "pruned", "failed", "running"].map((s) => [s, study.trials.filter((t) => t.state === s).length] as const);
  return `${study.trials.length} trials: ${counts.filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(", ") || "none yet"}`;
}
