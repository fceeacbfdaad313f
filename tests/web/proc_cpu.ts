import { readdirSync, readFileSync } from "node:fs";

// CPU time of the processes a benchmark starts (the browser Playwright launches, a spawned `mf`), read from Linux's /proc:
// what a figure measured on a machine shared with other work cannot show by its wall time alone.
const TICK = 100; // USER_HZ, the unit of /proc's times

/** Fields of a /proc stat line after the command name (which may hold spaces and parentheses): [state, ppid, ...]. */
function fields(text: string): string[] {
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process or thread ended between listing and reading
  }
}

/** The live descendants of this process (its pid excluded). */
function descendants(): string[] {
  const parent = new Map<string, string>();
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat) parent.set(pid, fields(stat)[1]);
  }
  const self = String(process.pid);
  return [...parent.keys()].filter((pid) => {
    for (let p = parent.get(pid), hops = 0; p && p !== "0" && hops < 64; p = parent.get(p), hops++) if (p === self) return true;
    return false;
  });
}

/** CPU seconds (user + system, every thread, ended threads included) of this process's live descendants. */
export function descendantsCpu(): number {
  let ticks = 0;
  for (const pid of descendants()) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat) ticks += Number(fields(stat)[11]) + Number(fields(stat)[12]);
  }
  return ticks / TICK;
}

/**
 * A process's kind for grouping: Chromium's --type (renderer, gpu-process, utility:StorageService...), else the program's
 * name. A renderer rewrites its command line into one string that may be cut before --type; its client id tells it.
 */
function kind(pid: string): string {
  const text = (read(`/proc/${pid}/cmdline`) ?? "").replaceAll("\0", " ");
  const type = /--type=([\w-]+)/.exec(text)?.[1] ?? (text.includes("--renderer-client-id=") ? "renderer" : undefined);
  const sub = /--utility-sub-type=([\w.]+)/.exec(text)?.[1].split(".").at(-1);
  return type ? (sub ? `${type}:${sub}` : type) : (text.split(" ")[0].split("/").at(-1) || "?");
}

/**
 * CPU seconds per kind of thread (process kind and thread name, e.g. "renderer DedicatedWorker") of this process's
 * descendants over an interval, sampled every `intervalMs` so threads that start and end within it (histogram workers)
 * are counted, each up to its last sample.
 */
export class ThreadCpu {
  private readonly threads = new Map<string, { group: string; first: number; last: number }>();
  private readonly timer: ReturnType<typeof setInterval>;
  private started = false;

  constructor(intervalMs = 1000) {
    this.sample();
    this.started = true;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling; CPU seconds per group over the interval, largest first, with the number of threads in each. */
  stop(): { group: string; threads: number; cpu_s: number }[] {
    clearInterval(this.timer);
    this.sample();
    const groups = new Map<string, { threads: number; cpu_s: number }>();
    for (const t of this.threads.values()) {
      const used = (t.last - t.first) / TICK;
      if (used <= 0) continue;
      const g = groups.get(t.group) ?? { threads: 0, cpu_s: 0 };
      groups.set(t.group, { threads: g.threads + 1, cpu_s: g.cpu_s + used });
    }
    // a kind under 0.05 s says nothing (idle helpers; the idle browser and vitest's esbuild while the CLI runs)
    return [...groups].filter(([, g]) => g.cpu_s >= 0.05).map(([group, g]) => ({ group, threads: g.threads, cpu_s: Number(g.cpu_s.toFixed(2)) }))
      .sort((a, b) => b.cpu_s - a.cpu_s);
  }

  private sample(): void {
    for (const pid of descendants()) {
      const type = kind(pid);
      let tids: string[];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        const stat = read(`/proc/${pid}/task/${tid}/stat`);
        if (!stat) continue;
        const f = fields(stat), used = Number(f[11]) + Number(f[12]);
        const key = `${pid}/${tid}/${f[19]}`; // with the thread's start time: a reused tid is another thread
        const seen = this.threads.get(key);
        if (seen) seen.last = used;
        else {
          // threads there at the start count from then; later ones from their own start
          const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/[\d-]+$/, "");
          this.threads.set(key, { group: `${type} ${name}`, first: this.started ? 0 : used, last: used });
        }
      }
    }
  }
}
