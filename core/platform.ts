/**
 * The seams between the runtime-agnostic core and a platform. web/ and cli/ implement these and
 * pass them in; core/ never reaches for Deno, Node, the DOM or IndexedDB itself.
 */

/** Random-access bytes: a file on disk, a browser File, or memory. Same shape as hyparquet's AsyncBuffer. */
export interface ByteSource {
  /** What a person calls it in an error message: a path or a file name. */
  readonly name: string;
  readonly byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

/** Read side of a run store: what a viewer needs, and all a static bundle can offer. */
export interface RunReader {
  /** Ids of stored runs, oldest first. */
  list(): Promise<string[]>;
  /** Bytes of one file of a run, e.g. `run.json` or `model/weights.bin`; rejects with NotFoundError when absent. */
  read(runId: string, path: string): Promise<Uint8Array>;
  /** Paths of a run's files (relative, `/`-separated). */
  files(runId: string): Promise<string[]>;
}

/** A run store: runs as small named files. Every write is atomic: a reader sees the old or the new content, never half. */
export interface RunStore extends RunReader {
  /** Where a run lives, for a person: a directory on disk, or `indexeddb://<id>`. */
  location(runId: string): string;
  write(runId: string, path: string, data: Uint8Array | string): Promise<void>;
  /** Appends one line (a trailing newline is added) to a text file such as metrics.jsonl. */
  appendLine(runId: string, path: string, line: string): Promise<void>;
  remove(runId: string): Promise<void>;
  /**
   * Writes a whole run at once, where the store can make that atomic (on disk: staged in a hidden folder and renamed
   * into place), replacing a partial run (files without run.json) and never a run that has run.json. Optional:
   * without it, a copy writes file by file with run.json last.
   */
  writeRun?(runId: string, files: Record<string, Uint8Array>): Promise<void>;
}

/** Wall-clock time in ms since the epoch; injected so runs and tests are reproducible. */
export interface Clock {
  now(): number;
}

/** One step of long work, reported to whoever shows progress (a CLI bar, a live chart). */
export type ProgressEvent =
  | { kind: "phase"; phase: string; detail?: string }
  /** The run now exists in the store: a watcher can mark it failed if the process running it dies. */
  | { kind: "run"; runId: string; location: string }
  /** Batches done in the epoch under way (`epoch`, from 0); tree models, which have no batches, report epochs only. */
  | { kind: "step"; epoch: number; epochs: number; step: number; steps: number; loss: number }
  | { kind: "epoch"; epoch: number; epochs: number; metrics: Record<string, number>; best: boolean }
  | { kind: "warning"; message: string };

/** Receives progress events; must not throw. */
export type ProgressSink = (event: ProgressEvent) => void;

/** The minimal WebGPU entry point core needs to tell a real adapter from a software one. */
export interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

/** What core reads of a WebGPU adapter. */
export interface GpuAdapterLike {
  readonly info?: { description?: string; vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

/** The part of an AbortSignal core reads: long work polls it between steps. */
export interface AbortLike {
  readonly aborted: boolean;
}

/** The part of a Web Worker core uses (browsers and Deno both have module workers). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  terminate(): void;
}

/** Starts a module worker running the script at `url`; injected so core never names the platform's Worker. */
export type WorkerFactory = (url: URL) => WorkerLike;

/** Parallel compute the platform offers: a worker factory and how many workers make sense. */
export interface Parallelism {
  spawn: WorkerFactory;
  /** Workers worth running at once (the machine's cores). */
  threads: number;
}
