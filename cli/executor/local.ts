import { fileURLToPath } from "node:url";

/** How one worker process ended. */
export interface WorkerExit {
  task: number;
  pid: number;
  code: number;
  signal: string | null;
}

/** The command that runs this CLI again: this Deno binary on this main.ts. */
export function mfCommand(): string[] {
  return [Deno.execPath(), "run", "-A", fileURLToPath(new URL("../main.ts", import.meta.url))];
}

/** CPU threads per worker when `workers` share this machine's cores: each gets an equal share, at least one. */
export function threadsPerWorker(workers: number, cores = navigator.hardwareConcurrency || 1): number {
  return Math.max(1, Math.floor(cores / workers));
}

/**
 * Starts `workers` processes running `mf ARGS --task i --tasks N` here, each with MF_THREADS set to its share of
 * the cores (cli/versions.ts reads it), and waits for all of them. Their output goes to stderr, each line
 * prefixed with its worker. Resolves with how each ended (a worker killed by a signal included).
 */
export async function runLocalWorkers(args: readonly string[], workers: number, log: (line: string) => void): Promise<WorkerExit[]> {
  const [exec, ...pre] = mfCommand();
  const threads = threadsPerWorker(workers);
  log(`starting ${workers} local workers, ${threads} thread${threads > 1 ? "s" : ""} each`);
  const children = Array.from({ length: workers }, (_, task) => {
    const child = new Deno.Command(exec, {
      args: [...pre, ...args, "--task", String(task), "--tasks", String(workers)],
      env: { MF_THREADS: String(threads), NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const prefix = `[worker ${task}] `;
    const piped = Promise.all([forward(child.stdout, prefix, log), forward(child.stderr, prefix, log)]);
    return { task, child, piped };
  });
  const exits: WorkerExit[] = [];
  for (const { task, child, piped } of children) {
    const status = await child.status;
    await piped;
    exits.push({ task, pid: child.pid, code: status.code, signal: status.signal });
  }
  return exits;
}

/** Copies a stream to `log` line by line with a prefix (a progress bar's carriage returns become lines). */
async function forward(stream: ReadableStream<Uint8Array>, prefix: string, log: (line: string) => void): Promise<void> {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    const lines = (rest + decoder.decode(bytes, { stream: true })).split(/\r?\n|\r/);
    rest = lines.pop()!;
    for (const line of lines) if (line.trim() !== "") log(prefix + line);
  }
  if (rest.trim() !== "") log(prefix + rest);
}
