import type { CellClaim, ClaimStore } from "./claims.ts";

/**
 * Claims in memory: one process's workers (the browser's experiment queue, tests). Transactions and exclusive
 * work each run one at a time, in call order.
 */
export class MemoryClaimStore implements ClaimStore {
  readonly claims = new Map<string, CellClaim>();
  #claimsTail: Promise<unknown> = Promise.resolve();
  #exclusiveTail: Promise<unknown> = Promise.resolve();

  list(): Promise<CellClaim[]> {
    return Promise.resolve([...this.claims.values()].map((c) => ({ ...c })));
  }

  transact<T>(decide: (claims: ReadonlyMap<string, CellClaim>) => Promise<{ write: CellClaim[]; result: T }>): Promise<T> {
    return this.#claimsTail = queue(this.#claimsTail, async () => {
      const { write, result } = await decide(new Map(this.claims));
      for (const claim of write) this.claims.set(claim.key, { ...claim });
      return result;
    }) as Promise<T>;
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#exclusiveTail = queue(this.#exclusiveTail, work) as Promise<T>;
  }
}

/** Runs `work` after `tail` settles (whether it failed or not), so one failure does not stop the queue. */
function queue<T>(tail: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  return tail.then(work, work);
}
