// A worker that trains stands for a "process" in run heartbeats (core/train/liveness.ts): it holds a Web Lock named
// after a random pid for as long as it lives, and the browser releases the lock when the worker ends (a reload, a
// closed tab, a crash). A page asks the lock manager whether that pid is still held: a run whose worker is gone reads
// as interrupted at once, not after the heartbeat's 60 s of staleness.
import type { ProcessProbe } from "../core/train/liveness.ts";

/** The host name the heartbeats of this browser profile's workers record (the lock manager is per origin and profile). */
export const TAB_HOST = "browser";

/** Who trains, as a heartbeat records it. */
export interface TabProcess {
  host: string;
  pid: number;
  process_start: string;
}

const lockName = (pid: number) => `model-factory-process-${pid}`;

type LockManager = {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
};
// the run views also load where there is no navigator (Node tests of their modules)
const locks = (): LockManager | undefined => typeof navigator === "undefined" ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;

let current: Promise<TabProcess> | undefined;

/** This worker's process identity, its lock held (taken on the first call) until the worker ends; undefined where there are no Web Locks. */
export function tabProcess(): Promise<TabProcess | undefined> {
  const manager = locks();
  if (!manager) return Promise.resolve(undefined);
  current ??= new Promise<TabProcess>((resolve, reject) => {
    const pid = 1 + Math.floor(Math.random() * 2 ** 31);
    const process = { host: TAB_HOST, pid, process_start: new Date().toISOString() };
    // the callback's promise never settles: the lock is held until the worker ends
    manager.request(lockName(pid), () => {
      resolve(process);
      return new Promise(() => {});
    }).catch(reject);
  });
  return current;
}

/** Asks this profile's lock manager whether a worker's pid lock is held; undefined (judge by the heartbeat's age) without Web Locks or for another host. */
export function tabProbe(): ProcessProbe | undefined {
  const manager = locks();
  if (!manager) return undefined;
  return {
    host: TAB_HOST,
    alive: async (pid) => ((await manager.query()).held ?? []).some((lock) => lock.name === lockName(pid)),
  };
}
