import { z } from "zod";

/**
 * Cell claims: how any number of workers share one experiment. A worker takes the next cell nobody holds by
 * writing a claim (under the store's lock; on disk a file created with O_EXCL), renews it with heartbeats while
 * it trains, and ends it finished, failed or stopped. A claim whose heartbeat lapsed (or whose process is known to
 * be gone) no longer holds its cell, and the next worker takes it over. A cell that failed is not taken again by
 * the same submission (the workers started together), only by a later one.
 */

/** What a claim says of its cell. `released`: given back unfinished (its worker was stopped), free for anyone. */
export const ClaimState = z.enum(["running", "finished", "failed", "stopped", "released"]);
/** A claim's state. */
export type ClaimState = z.output<typeof ClaimState>;

/** Who holds or held a claim. */
export const ClaimHolder = z.strictObject({
  /** Unique per process (on the CLI: `<submission>[<task>]@<host>:<pid>`). */
  worker: z.string().min(1),
  /** The array task that runs the worker (Slurm array task, Kubernetes completion index, local worker number), or null. */
  task: z.number().int().nonnegative().nullable(),
  /** The workers started together share one; a cell that failed in a submission is left for the next one. */
  submission: z.string().min(1),
  /** The host and process, so a worker on the same host can tell a dead holder at once. */
  host: z.string().optional(),
  pid: z.number().int().optional(),
});
/** Who holds a claim. */
export type ClaimHolder = z.output<typeof ClaimHolder>;

/** One claim: a cell (or the after-cells step) and who holds it, since when, and how it ended. */
export const CellClaim = z.strictObject({
  /** The cell id, or AFTER_CELLS. */
  key: z.string().min(1),
  state: ClaimState,
  ...ClaimHolder.shape,
  /** Tells this claim from every other claim on the same key. */
  token: z.string().min(1),
  claimed_at: z.string(),
  /** The last heartbeat (or the claim itself), ISO. */
  alive_at: z.string(),
  /** The holder's heartbeat timeout: silent this long, the claim no longer holds. */
  heartbeat_s: z.number().positive(),
  /** How many times the key was claimed. */
  attempt: z.number().int().positive(),
  ended_at: z.string().optional(),
  run_id: z.string().optional(),
  error: z.string().optional(),
  /** The claim this one replaced while it was still running, and why it no longer held. */
  took_over: z.strictObject({ worker: z.string(), task: z.number().int().nullable(), reason: z.string() }).optional(),
});
/** One claim. */
export type CellClaim = z.output<typeof CellClaim>;

/** The key of the step that runs once after every cell has ended (ensembles and the final report). */
export const AFTER_CELLS = "after-cells";

/** The claims as a transaction sees them: read one key at a time, so a worker reads only the claims it needs. */
export interface ClaimReader {
  get(key: string): Promise<CellClaim | undefined>;
}

/**
 * Where an experiment's claims are kept: the CLI's are files beside the report (cli/disk_claims.ts), the
 * browser's and the tests' in memory (MemoryClaimStore).
 */
export interface ClaimStore {
  /** Every claim as stored now, read without the lock (status views). */
  list(): Promise<CellClaim[]>;
  /**
   * Under the claims' lock: `decide` reads the claims it needs and returns those to write (new or changed) and a
   * result. No other worker's transaction runs in between.
   */
  transact<T>(decide: (claims: ClaimReader) => Promise<{ write: CellClaim[]; result: T }>): Promise<T>;
  /** Runs `work` while no other worker of the experiment runs its own (the record and the report are rewritten this way). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` as `exclusive` does if no other worker's exclusive work is under way; undefined (nothing run) if one is. */
  tryExclusive<T>(work: () => Promise<T>): Promise<{ result: T } | undefined>;
}

/** Why a running claim no longer holds its cell (its heartbeat lapsed, or its process is gone), or undefined while it does. */
export function lapsed(claim: CellClaim, now: number, gone = false): string | undefined {
  if (claim.state !== "running") return undefined;
  if (gone) return `its process ${claim.pid} on ${claim.host} is gone`;
  const silent = now - Date.parse(claim.alive_at);
  return silent > claim.heartbeat_s * 1000 ? `no heartbeat for ${Math.round(silent / 1000)} s (timeout ${claim.heartbeat_s} s)` : undefined;
}

/** How a key stands for a worker: done, ended in its submission, held by a live claim, or free to take. */
export type Standing = "done" | "ended" | "held" | "free";

/** What a worker states when it looks for a key to take. */
export interface TakeOptions {
  holder: ClaimHolder;
  now: number;
  heartbeatMs: number;
  /** Keys in the order to take them. */
  keys: readonly string[];
  /**
   * Whether the key needs no more work: asked first without its claim (a finished run already known), then, for a
   * claim that ended finished, with it (its run may have finished since, or been removed).
   */
  done(key: string, claim?: CellClaim): boolean | Promise<boolean>;
  /** Whether a claim's holder process is known to be gone (same host, no such process). */
  gone?(claim: CellClaim): Promise<boolean>;
  /** A token no other claim uses. */
  token: string;
}

/** What `takeNext` decided: a key to work on, wait (live claims hold the rest), or nothing is left. */
export type Take =
  | { kind: "claimed"; key: string; claim: CellClaim; settled: number; holders: number }
  | { kind: "wait"; held: CellClaim[] }
  | { kind: "done" };

/**
 * Under the store's lock: takes the first key that is not done and not held (no claim, a lapsed or released
 * claim, or one that ended in another submission), writing this worker's claim on it. `settled` counts the
 * keys done, ended or held before it; `holders` the live workers seen (this one included). Wait when live
 * claims hold every key left; done when none is left.
 */
export function takeNext(store: ClaimStore, options: TakeOptions): Promise<Take> {
  return store.transact<Take>(async (claims) => {
    const held: CellClaim[] = [];
    let settled = 0;
    for (const key of options.keys) {
      const known = await options.done(key);
      const claim = known ? undefined : await claims.get(key);
      const { standing, reason } = known ? { standing: "done" as const } : await standingOf(key, claim, options);
      if (standing !== "free") {
        settled += 1;
        if (standing === "held") held.push(claim!);
        continue;
      }
      const at = new Date(options.now).toISOString();
      const mine: CellClaim = {
        key,
        state: "running",
        ...options.holder,
        token: options.token,
        claimed_at: at,
        alive_at: at,
        heartbeat_s: options.heartbeatMs / 1000,
        attempt: (claim?.attempt ?? 0) + 1,
        ...(claim?.state === "running" && reason ? { took_over: { worker: claim.worker, task: claim.task, reason } } : {}),
      };
      const holders = new Set([...held.map((c) => c.worker), options.holder.worker]).size;
      return { write: [mine], result: { kind: "claimed", key, claim: mine, settled, holders } };
    }
    return { write: [], result: held.length > 0 ? { kind: "wait", held } : { kind: "done" } };
  });
}

async function standingOf(key: string, claim: CellClaim | undefined, options: TakeOptions): Promise<{ standing: Standing; reason?: string }> {
  if (!claim) return { standing: "free" };
  if (claim.state === "finished" && await options.done(key, claim)) return { standing: "done" };
  switch (claim.state) {
    case "running": {
      const sameHost = claim.host !== undefined && claim.host === options.holder.host;
      const reason = lapsed(claim, options.now, sameHost && options.gone ? await options.gone(claim) : false);
      return reason ? { standing: "free", reason } : { standing: "held" };
    }
    case "failed":
    case "stopped":
      // within one submission a failure is final; a later submission tries again
      return { standing: claim.submission === options.holder.submission ? "ended" : "free" };
    case "finished": // its run is no longer finished (done() said so): removed or rewritten since
    case "released":
      return { standing: "free" };
    default:
      return claim.state satisfies never;
  }
}

/** Renews this worker's claim on `key` (its heartbeat); false when the claim is no longer its own (another worker took it over). */
export function renewClaim(store: ClaimStore, key: string, token: string, now: number): Promise<boolean> {
  return store.transact(async (claims) => {
    const claim = await claims.get(key);
    if (claim?.token !== token || claim.state !== "running") return { write: [], result: false };
    return { write: [{ ...claim, alive_at: new Date(now).toISOString() }], result: true };
  });
}

/** How a worker ends its claim. */
export interface ClaimEnd {
  state: Exclude<ClaimState, "running">;
  run_id?: string;
  error?: string;
}

/** Ends this worker's claim on `key`; false (nothing written) when another worker took it over meanwhile. */
export function endClaim(store: ClaimStore, key: string, token: string, now: number, end: ClaimEnd): Promise<boolean> {
  return store.transact(async (claims) => {
    const claim = await claims.get(key);
    if (claim?.token !== token) return { write: [], result: false };
    const { run_id: _run, error: _error, ...rest } = claim;
    const ended: CellClaim = { ...rest, ...end, ended_at: new Date(now).toISOString() };
    return { write: [ended], result: true };
  });
}
