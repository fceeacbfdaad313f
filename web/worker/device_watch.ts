import type { ProgressEvent, RunStore } from "../../core/platform.ts";
import { jsonText, readRunJson, RunRecord } from "../../core/train/run_record.ts";

/** What a WebGPU device tells about its loss (GPUDeviceLostInfo). */
export interface DeviceLostInfo {
  readonly reason: string;
  readonly message: string;
}

/** The part of a GPUDevice the watch reads. */
export interface LosableDevice {
  readonly lost: Promise<DeviceLostInfo>;
}

/** The checkpoint the trainer writes with the model; present once a best epoch was saved. */
const CHECKPOINT = "model/preprocess.json";

/** How long the watch waits: for a training to end after its device was lost, and for a loss to be reported after a failed read. */
export interface WatchTiming {
  /** Reads on a dead device may never answer: after this long the watch ends the run itself. */
  stallMs: number;
  /** A failed read and the device's loss arrive as separate events, in either order. */
  reportMs: number;
}

/**
 * Watches the WebGPU device a training runs on. A lost device (driver reset, GPU removed, tab
 * out of GPU memory) makes the next read fail, or on some platforms never answer: either way the
 * run must end `failed` with a message a person understands, and its best checkpoint stays as it was.
 * The watch follows the training's progress to say where it stopped.
 */
export class DeviceWatch {
  /** The loss, once the device reported it. */
  info?: DeviceLostInfo;
  /** The run the trainer created, once it said so. */
  runId?: string;
  private epochsDone = 0;
  private epochs = 0;
  private bestEpoch = 0;
  private phase = "";
  private watched = false;
  private onLost: (() => void)[] = [];

  /**
   * Follows one progress event. When the trainer reports its backend, `device()` is asked for the
   * WebGPU device it chose (undefined on other backends) and its `lost` promise is watched.
   */
  observe(event: ProgressEvent, device: () => LosableDevice | undefined): void {
    if (event.kind === "run") this.runId = event.runId;
    else if (event.kind === "phase") {
      this.phase = event.phase;
      if (event.phase === "backend" && !this.watched) {
        const watched = device();
        this.watched = Boolean(watched);
        watched?.lost.then((info) => {
          this.info = info;
          for (const wake of this.onLost.splice(0)) wake();
        });
      }
    } else if (event.kind === "epoch") {
      this.epochsDone = event.epoch + 1;
      this.epochs = event.epochs;
      if (event.best) this.bestEpoch = event.epoch + 1;
    } else if (event.kind === "step") this.epochs ||= event.epochs;
  }

  /**
   * Awaits `training`; if the device is lost meanwhile, the run ends `failed` with the loss's
   * message (see `recordFailure`) and that message is thrown, whether the training failed on a dead
   * read or never returned. Any other error is rethrown as it is.
   */
  async guard<T>(training: Promise<T>, store: RunStore, timing: WatchTiming = { stallMs: 10_000, reportMs: 2_000 }): Promise<T> {
    try {
      return await Promise.race([training, this.stalled(timing.stallMs)]);
    } catch (error) {
      if (!(await this.lostWithin(timing.reportMs))) throw error;
      throw new Error(await this.recordFailure(store));
    }
  }

  /** True if the device is lost now or within `ms` (a failed read can arrive just before the loss is reported). */
  private lostWithin(ms: number): Promise<boolean> {
    if (this.info) return Promise.resolve(true);
    if (!this.watched) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.onLost.push(() => (clearTimeout(timer), resolve(true)));
    });
  }

  /** Rejects `ms` after a loss, so a training whose reads never come back on a dead device still ends; pending while the device lives. */
  private stalled(ms: number): Promise<never> {
    return new Promise((_, reject) => this.onLost.push(() => setTimeout(() => reject(new Error("The training did not end after the device was lost")), ms)));
  }

  /** The message for the page and run.json: the device's reason, where the run stopped, whether its best checkpoint is kept. */
  message(checkpointKept: boolean): string {
    const reason = this.info ? `${this.info.reason}${this.info.message ? `: ${this.info.message}` : ""}` : "unknown";
    const where = this.phase === "evaluate"
      ? `while evaluating, after ${this.epochsDone} epoch(s)`
      : this.epochsDone === 0
      ? `in epoch 1${this.epochs ? ` of ${this.epochs}` : ""}`
      : `at epoch ${this.epochsDone + 1} of ${this.epochs} (${this.epochsDone} completed)`;
    const checkpoint = checkpointKept ? `its best checkpoint (epoch ${this.bestEpoch}) is kept` : "no checkpoint had been saved";
    return `The WebGPU device was lost (reason: ${reason}); the run stopped ${where}; ${checkpoint}`;
  }

  /**
   * Ends the run as `failed` with the loss's message: over the trainer's own failure (a raw
   * "mapAsync" error) or over `running` when the trainer never got to write. A finished or stopped
   * run is left alone. Returns the message.
   */
  async recordFailure(store: RunStore): Promise<string> {
    if (!this.runId) return this.message(false);
    const message = this.message((await store.files(this.runId)).includes(CHECKPOINT));
    const record = await readRunJson(store, this.runId, "run.json", RunRecord);
    if (record.status === "running" || record.status === "failed") {
      await store.write(this.runId, "run.json", jsonText({ ...record, status: "failed", error: message }));
    }
    return message;
  }
}
