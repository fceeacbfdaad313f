import { hostname } from "node:os";

/** How long to wait for a lock, and when a lock is taken for abandoned. */
export interface LockOptions {
  /** Give up waiting after this long (default 60 s): an error names the holder. */
  timeoutMs?: number;
  /** A lock file older than this is stale whoever holds it (default 10 min; no registry or journal change takes that long). */
  staleMs?: number;
  /** Pause between attempts (default 20 ms, plus up to as much again at random so waiters do not move in step). */
  pollMs?: number;
}

/** What a lock file holds: who took it, so a waiter can tell a live holder from a dead one. */
interface Holder {
  pid: number;
  host: string;
  at: string;
  token: string;
}

/**
 * Runs `work` holding an exclusive lock: the file at `path`, created with O_CREAT|O_EXCL
 * (`Deno.open(path, { createNew: true })`), so of two processes exactly one creates it; the other waits and
 * retries. The file holds the holder's pid, host, time and a random token. A lock is stale, and is broken,
 * when its holder was on this host and its process is gone (a killed `mf`; checked in /proc where there is
 * one), or when the file is older than `staleMs`. Breaking renames the file aside first and puts it back if
 * what was renamed turns out to be a newer holder's, so two waiters breaking at once cannot both get in.
 * Released in `finally`, only if the file is still this holder's.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const token = await acquire(path, options);
  try {
    return await work();
  } finally {
    // a holder slower than staleMs may have lost its lock to a waiter: never remove that waiter's
    if ((await readHolder(path))?.token === token) await Deno.remove(path).catch(ignoreNotFound);
  }
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  const { timeoutMs = 60_000, staleMs = 600_000, pollMs = 20 } = options;
  const token = crypto.randomUUID();
  const mine: Holder = { pid: Deno.pid, host: hostname(), at: new Date().toISOString(), token };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const file = await Deno.open(path, { createNew: true, write: true });
      try {
        await file.write(new TextEncoder().encode(JSON.stringify(mine)));
      } finally {
        file.close();
      }
      return token;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const seen = await snapshot(path);
    if (seen && (await isStale(seen, staleMs))) await breakLock(path, seen.text);
    else if (Date.now() > deadline) {
      const who = seen?.holder ? `process ${seen.holder.pid} on ${seen.holder.host} since ${seen.holder.at}` : "a process that left no details";
      throw new Deno.errors.TimedOut(
        `The lock ${path} has been held by ${who} for over ${
          Math.round(timeoutMs / 1000)
        } s; if no mf command is using that folder (a registry or a study), remove that file and try again`,
      );
    } else await new Promise((done) => setTimeout(done, pollMs * (1 + Math.random())));
  }
}

/** The lock file's text, parsed holder (undefined while its creator has not written it yet) and age; undefined when it is gone. */
async function snapshot(path: string): Promise<{ text: string; holder?: Holder; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return { text, holder: parseHolder(text), ageMs: Date.now() - (info.mtime?.getTime() ?? Date.now()) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function isStale(seen: { holder?: Holder; ageMs: number }, staleMs: number): Promise<boolean> {
  if (seen.ageMs > staleMs) return true;
  const holder = seen.holder;
  if (!holder || holder.host !== hostname() || holder.pid === Deno.pid) return false;
  return !(await processAlive(holder.pid));
}

/** Whether a process of this host is running; without /proc (macOS, Windows) it cannot tell and says yes, leaving staleness to the age. */
async function processAlive(pid: number): Promise<boolean> {
  const exists = (p: string) => Deno.stat(p).then(() => true, (error) => (error instanceof Deno.errors.NotFound ? false : Promise.reject(error)));
  if (!(await exists("/proc/self"))) return true;
  return exists(`/proc/${pid}`);
}

/** Moves a stale lock aside; if what was moved is not the stale lock that was judged (a newer holder's), puts it back. */
async function breakLock(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return; // another waiter broke it first
    throw error;
  }
  const moved = await Deno.readTextFile(aside);
  if (moved !== staleText) {
    // a link fails if the path exists, so this never replaces a lock taken since
    await Deno.link(aside, path).catch((error) => {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    });
  }
  await Deno.remove(aside);
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    return parseHolder(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return typeof value.pid === "number" && typeof value.token === "string" ? value as Holder : undefined;
  } catch {
    return undefined; // empty or half-written: its creator is still writing it
  }
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}
