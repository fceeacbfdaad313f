import { hostname } from "node:os";
import type { ProcessProbe } from "../core/train/liveness.ts";

/** This process as a heartbeat records it: host, pid and (on Linux) its start time, so a reused pid is not taken for it. */
export async function thisProcess(): Promise<{ host: string; pid: number; process_start?: string }> {
  const start = await startTime(Deno.pid);
  return { host: hostname(), pid: Deno.pid, ...(start ? { process_start: start } : {}) };
}

/** The probe readers use on this machine: a pid is alive while /proc lists it as a live (not zombie) process that started when recorded. */
export function localProbe(): ProcessProbe {
  return {
    host: hostname(),
    async alive(pid: number, start?: string) {
      if (!(await exists("/proc/self/stat"))) return undefined; // no /proc (macOS, Windows): the heartbeat's age decides
      const stat = await readStat(pid);
      if (!stat) return false;
      if (stat.state === "Z" || stat.state === "X") return false; // killed, not yet reaped by its parent
      return start === undefined || stat.start === start;
    },
  };
}

/** The start time field of /proc/<pid>/stat (clock ticks since boot), when the platform has one. */
async function startTime(pid: number): Promise<string | undefined> {
  return (await readStat(pid))?.start;
}

/** State and start time from /proc/<pid>/stat; undefined when there is no such process (or no /proc). */
async function readStat(pid: number): Promise<{ state: string; start: string } | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`/proc/${pid}/stat`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  // the command name (field 2) may hold spaces and parentheses: the fields that follow start after the last ")"
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0], start: fields[19] };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
