import type { AbortLike } from "../platform.ts";
import { type CellClaim, type ClaimStore, renewClaim } from "./claims.ts";

/** The time a worker keeps: injected, since core names no platform timer. */
export interface WorkerTimers {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `beat` every `ms` until the returned function is called. */
  every(ms: number, beat: () => void): () => void;
}

/** How holding a claim ended: the work's result, and whether another worker took the claim over meanwhile. */
export interface Held<T> {
  result: T;
  lost: boolean;
}

/**
 * Runs `work` while renewing `claim` every third of its heartbeat timeout. If a renewal finds that another worker
 * took the claim over (this one was judged dead: a stalled process, a clock far off), `lost.aborted` turns true so
 * the work can stop, and `lost` is true in the answer. Renewals run one after another; one that fails is raised
 * once the work has ended, never left unhandled.
 */
export async function holdClaim<T>(store: ClaimStore, claim: CellClaim, timers: WorkerTimers, work: (lost: AbortLike) => Promise<T>): Promise<Held<T>> {
  const lost = { aborted: false };
  let renewing: Promise<void> = Promise.resolve(), renewError: unknown;
  const renew = async () => {
    if (!lost.aborted && !(await renewClaim(store, claim.key, claim.token, timers.now()))) lost.aborted = true;
  };
  const stop = timers.every((claim.heartbeat_s * 1000) / 3, () => {
    renewing = renewing.then(renew).catch((error) => void (renewError ??= error));
  });
  let result: T;
  try {
    result = await work(lost);
  } finally {
    stop();
    await renewing; // never rejects: a renewal's error is kept in renewError
  }
  if (renewError !== undefined) throw renewError;
  return { result, lost: lost.aborted };
}
