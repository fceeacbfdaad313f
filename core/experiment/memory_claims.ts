import type { CellClaim, ClaimReader, ClaimStore } from "./claims.ts";

/**
 * Claims in memory: one process's workers (the browser's experiment queue, tests). Transactions and exclusive
 * work each run one at a time, in call order.
 */
export class MemoryClaimStore implements ClaimStore {
  readonly claims = new Map<string, CellClaim>();
  #claimsTail: Promise<unknown> = Promise.resolve();
  #exclusiveTail: Promise<unknown> = Promise.resolve();
  #exclusiveBusy = 0;

  list(): Promise<CellClaim[]> {
    return Promise.resolve([...this.claims.values()].map((c) => ({ ...c })));
  }

  transact<T>(decide: (claims: ClaimReader) => Promise<{ write: CellClaim[]; result: T }>): Promise<T> {
    return this.#claimsTail = queue(this.#claimsTail, async () => {
      const seen = new Map(this.claims);
      const { write, result } = await decide({ get: (key) => Promise.resolve(seen.get(key)) });
      for (const claim of write) this.claims.set(claim.key, { ...claim });
      return result;
    }) as Promise<T>;
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#exclusiveBusy += 1;
    return this.#exclusiveTail = queue(this.#exclusiveTail, work).finally(() => void (this.#exclusiveBusy -= 1)) as Promise<T>;
  }

  async tryExclusive<T>(work: () => Promise<T>): Promise<{ result: T } | undefined> {
    return this.#exclusiveBusy > 0 ? undefined : { result: await this.exclusive(work) };
  }
}

/** Runs `work` after `tail` settles (whether it failed or not), so one failure does not stop the queue. */
function queue<T>(tail: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  return tail.then(work, work);
}
