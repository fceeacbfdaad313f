import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ProgressEvent } from "../../core/platform.ts";
import type { Study } from "../../core/tune/journal.ts";
import { bestTrial, countsTowardBudget } from "../../core/tune/study.ts";
import type { WorkerEvent } from "../../core/tune/study_worker.ts";
import { num } from "../format.ts";
import { type Job, startJob } from "../worker/client.ts";
import type { JobReply } from "../worker/protocol.ts";

/** The trial this tab's worker trains now. */
export interface CurrentTrial {
  number: number;
  params: Record<string, unknown>;
  /** The last progress line of its run (an epoch, a phase). */
  status: string;
}

/**
 * Runs one study at a time in this tab: a long-lived worker (web/worker/tune_job.ts) that reads the files once and
 * trains trials until the study holds its budget. A Lit controller: the host re-renders on every event, and
 * `onChange` hears of each trial's start and end (to reload the study and the list). `stop()` ends the trial in progress
 * failed ("stopped", which frees its slot) and the worker with it. Other tabs may tune the same study at once:
 * the journal shares the budget between them.
 */
export class TuneRunner implements ReactiveController {
  /** The study this tab tunes, or "" when none. */
  active = "";
  budget = 0;
  stopping = false;
  /** A line on how the last start went or ended. */
  note = "";
  current: CurrentTrial | undefined;
  /** The study as the worker last replayed it (after each trial). */
  study: Study | undefined;
  private job?: Job<Extract<JobReply, { kind: "done" }>>;

  constructor(private readonly host: ReactiveControllerHost, private readonly onChange: () => Promise<void> | void) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Tunes `name` until it holds `budget` trials; resolves when the worker ends (done, stopped or failed). */
  async start(name: string, budget: number, db: string, wasmPaths: string): Promise<void> {
    if (this.active) return;
    [this.active, this.budget, this.stopping, this.note, this.current, this.study] = [name, budget, false, `${name}: starting`, undefined, undefined];
    void this.changed();
    const job = startJob({ kind: "tune", name, budget, db, wasmPaths }, (reply) => this.progress(reply.event), undefined, (event) => this.take(event));
    this.job = job;
    let note: string;
    try {
      const { ran } = (await job.result).tune!;
      note = this.stopping ? `${name}: stopped; Resume continues it to ${budget} trials` : `${name}: done (${ran} trials run in this tab)`;
    } catch (error) {
      note = `${name}: ${(error as Error).message}`;
    }
    [this.active, this.job, this.current] = ["", undefined, undefined];
    // the page reads the ended study first, so "done" never shows beside the progress of before
    await this.changed();
    this.note = note;
    this.host.requestUpdate();
  }

  /** Stops the study's trial after the current batch (it ends failed, "stopped") and the worker with it. */
  stop(): void {
    if (!this.job) return;
    this.stopping = true;
    this.note = `${this.active}: stopping after the current batch`;
    this.job.stop();
    this.host.requestUpdate();
  }

  /** Trials ended toward the budget, and the best so far, for the progress line. */
  progressText(): string {
    const study = this.study;
    if (!study) return "";
    const ended = study.trials.filter((t) => t.state !== "running" && countsTowardBudget(t)).length;
    const best = bestTrial(study);
    return `${ended} of ${this.budget} trials ended · best ${best ? `${best.value!.toFixed(4)} (trial ${best.number})` : "-"}`;
  }

  private take(event: WorkerEvent) {
    if (event.kind === "trial-start") {
      this.current = { number: event.number, params: event.params, status: "starting" };
      this.note = `${this.active}: trial ${event.number} running`;
      void this.onChange();
    } else if (event.kind === "trial-end") {
      this.study = event.study;
      this.current = undefined;
      void this.onChange();
    } else {
      this.note = `${this.active}: waiting for ${event.running} trial(s) still running (elsewhere, or lost: judged failed when their heartbeat lapses)`;
    }
    this.host.requestUpdate();
  }

  private progress(event: ProgressEvent) {
    if (!this.current) return;
    // a new object, so that elements given `current` as a property see the change
    if (event.kind === "epoch") {
      this.current = { ...this.current, status: `epoch ${event.epoch + 1} of ${event.epochs} · val_loss ${num(event.metrics.val_loss, 4)}` };
    } else if (event.kind === "phase") this.current = { ...this.current, status: event.phase };
    else return;
    this.host.requestUpdate();
  }

  private async changed(): Promise<void> {
    this.host.requestUpdate();
    await this.onChange();
  }
}
