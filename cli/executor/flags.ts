import { ConfigError } from "../../core/errors.ts";
import { intFlag } from "../args.ts";

/** The flags of scaling out, shared by `mf experiment` and `mf tune` (docs/scale-out.md). */
export const scaleOutFlags = {
  worker: { type: "boolean" },
  task: { type: "string" },
  tasks: { type: "string" },
  submission: { type: "string" },
  "shared-marker": { type: "string" },
  executor: { type: "string" },
  workers: { type: "string" },
  "array-parallel": { type: "string" },
  sbatch: { type: "string" },
  wait: { type: "boolean" },
  image: { type: "string" },
  command: { type: "string" },
  "volume-claim": { type: "string" },
  mount: { type: "string" },
  cpus: { type: "string" },
} as const;

/** Usage lines of the scale-out flags, for a command's usage. */
export const scaleOutUsage = `[--worker] [--executor local|slurm] [--workers N] [--array-parallel P] [--sbatch "FLAGS"] [--wait]
        [--emit slurm|k8s FILE] [--image IMAGE] [--command "CMD"] [--volume-claim NAME] [--mount PATH] [--cpus N]`;

/** The flags only the submitting process reads: a worker's command line leaves them out. */
export const SUBMIT_ONLY = ["executor", "workers", "array-parallel", "sbatch", "wait", "image", "command", "volume-claim", "mount", "cpus", "json"];

/** What `--emit KIND FILE` asked for. */
export interface Emit {
  kind: "slurm" | "k8s";
  file: string;
}

/** `--emit KIND FILE` taken out of the arguments (it has two values, which the flag parser cannot read); the rest are left. */
export function takeEmit(command: string, args: readonly string[]): { args: string[]; emit?: Emit } {
  const at = args.indexOf("--emit");
  if (at < 0) return { args: [...args] };
  const [kind, file] = args.slice(at + 1, at + 3);
  if ((kind !== "slurm" && kind !== "k8s") || !file || file.startsWith("--")) {
    throw new ConfigError(`mf ${command}: --emit takes a kind and a file: --emit slurm job.sbatch or --emit k8s job.yaml`, { key: "emit" });
  }
  return { args: [...args.slice(0, at), ...args.slice(at + 3)], emit: { kind, file } };
}

/** How this invocation runs: alone, as one worker among many, or submitting workers (here, to Slurm) or writing their job. */
export type ScaleOut =
  | { mode: "alone" }
  | { mode: "worker" }
  | { mode: "local"; workers: number }
  | { mode: "slurm"; workers?: number; parallel?: number; sbatch?: string; wait: boolean; command?: string; emit?: string }
  | { mode: "k8s"; workers?: number; parallel?: number; image: string; command?: string; claim: string; mount: string; cpus: number; emit: string };

/** The parsed scale-out flags. */
export type ScaleOutValues = { [K in keyof typeof scaleOutFlags]?: (typeof scaleOutFlags)[K]["type"] extends "boolean" ? boolean : string };

/** Reads the scale-out flags into a mode; a flag that the mode does not use is a ConfigError naming it and the mode it belongs to. */
export function scaleOutMode(command: string, f: ScaleOutValues, emit?: Emit): ScaleOut {
  if (f.executor !== undefined && f.executor !== "local" && f.executor !== "slurm") {
    throw new ConfigError(`mf ${command}: --executor must be local or slurm, got "${f.executor}" (for Kubernetes: --emit k8s FILE)`, { key: "executor" });
  }
  if (f.executor && emit) throw new ConfigError(`mf ${command}: give --executor or --emit, not both (--emit writes the job without running it)`);
  if (f.worker && (f.executor || emit)) throw new ConfigError(`mf ${command}: --worker is what the submitted workers run; leave out --executor and --emit`);
  const kind = emit?.kind ?? f.executor;
  const workers = positive("workers", f.workers);
  const parallel = positive("array-parallel", f["array-parallel"]);
  const allowed: Record<string, readonly string[]> = {
    local: ["workers"],
    slurm: ["workers", "array-parallel", "sbatch", "wait", "command"],
    k8s: ["workers", "array-parallel", "image", "command", "volume-claim", "mount", "cpus"],
  };
  const given = ["workers", "array-parallel", "sbatch", "wait", "image", "command", "volume-claim", "mount", "cpus"].filter((k) =>
    f[k as keyof ScaleOutValues] !== undefined
  );
  for (const flag of given) {
    if (!kind || !allowed[kind].includes(flag)) {
      const owners = Object.entries(allowed).filter(([, list]) => list.includes(flag)).map(([k]) => (k === "k8s" ? "--emit k8s" : `--executor ${k}`));
      throw new ConfigError(`mf ${command}: --${flag} goes with ${owners.join(" or ")}`, { key: flag });
    }
  }
  if (f.wait && emit) throw new ConfigError(`mf ${command}: --wait goes with --executor slurm (--emit only writes the script)`, { key: "wait" });
  if (kind === "local") return { mode: "local", workers: workers ?? (navigator.hardwareConcurrency || 1) };
  if (kind === "slurm") return { mode: "slurm", workers, parallel, sbatch: f.sbatch, wait: f.wait === true, command: f.command, emit: emit?.file };
  if (kind === "k8s") {
    if (!f.image) throw new ConfigError(`mf ${command}: --emit k8s needs --image IMAGE (an image with deno and this toolkit)`, { key: "image" });
    return {
      mode: "k8s",
      workers,
      parallel,
      image: f.image,
      command: f.command,
      claim: f["volume-claim"] ?? "mf-work",
      mount: f.mount ?? "/work",
      cpus: positive("cpus", f.cpus) ?? 1,
      emit: emit!.file,
    };
  }
  return { mode: f.worker ? "worker" : "alone" };
}

function positive(name: string, value: string | undefined): number | undefined {
  const n = intFlag(name, value);
  if (n !== undefined && n < 1) throw new ConfigError(`--${name} must be at least 1, got ${n}`, { key: name, value: n });
  return n;
}

/**
 * The worker's command line from the submitting one: the same arguments without the flags only the submitter
 * reads (`--emit` was taken out already). The args are well formed: parseFlags accepted them.
 */
export function workerArgs(args: readonly string[], spec: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0] : undefined;
    if (name !== undefined && SUBMIT_ONLY.includes(name)) {
      if (spec[name]?.type === "string" && !arg.includes("=")) k++; // its value
      continue;
    }
    out.push(arg);
  }
  return out;
}
