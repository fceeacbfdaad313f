import { stringify } from "yaml";

/** What a Kubernetes Job of workers needs. */
export interface K8sJobOptions {
  /** The Job's name: lowercase letters, digits and "-" (made so from any text). */
  name: string;
  /** Completions: one pod per index 0..workers-1. */
  workers: number;
  /** At most this many pods at once (all at once when absent). */
  parallel?: number;
  image: string;
  /** How the image runs the CLI, e.g. `deno run -A /app/cli/main.ts`. */
  command: readonly string[];
  /** The mf arguments of a worker, up to the task flags (the Job adds `--task`, `--tasks`, `--submission`). */
  args: readonly string[];
  /** The ReadWriteMany PersistentVolumeClaim holding the working folder (config, data, runs, the report). */
  claim: string;
  /** Where the claim is mounted; the pods' working folder, so relative paths in `args` resolve on it. */
  mount: string;
  /** CPUs requested (and limited) per pod; the worker's threads. */
  cpus: number;
  /** Labels to tell the Job's pods apart (`model-factory/experiment: NAME`). */
  labels: Record<string, string>;
}

/**
 * A batch/v1 Job running workers as an Indexed Job: `completions` pods, `parallelism` at once, each retried
 * once on its own (`backoffLimitPerIndex: 1`, which needs `restartPolicy: Never`). Every pod runs the same worker
 * command; its completion index (from the pod's annotation) only names it (`--task`), and the Job's uid (the
 * `batch.kubernetes.io/controller-uid` label) is its submission, so a cell that failed is taken again by the next
 * Job, not by a retry of this one. The working folder is a ReadWriteMany claim mounted at `mount`.
 */
export function k8sJob(o: K8sJobOptions): Record<string, unknown> {
  const name = k8sName(o.name);
  const labels = { "app.kubernetes.io/name": "model-factory", ...o.labels };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels },
    spec: {
      completionMode: "Indexed",
      completions: o.workers,
      parallelism: o.parallel ?? o.workers,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: o.workers,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "worker",
            image: o.image,
            workingDir: o.mount,
            command: [...o.command],
            args: [...o.args, "--worker", "--task", "$(MF_TASK)", "--tasks", String(o.workers), "--submission", "k8s-$(MF_JOB_UID)"],
            env: [
              { name: "MF_TASK", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
              { name: "MF_JOB_UID", valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } },
              { name: "MF_THREADS", value: String(o.cpus) },
            ],
            resources: { requests: { cpu: String(o.cpus) }, limits: { cpu: String(o.cpus) } },
            volumeMounts: [{ name: "work", mountPath: o.mount }],
          }],
          volumes: [{ name: "work", persistentVolumeClaim: { claimName: o.claim } }],
        },
      },
    },
  };
}

/** The Job as YAML, with a comment on how to apply and watch it. */
export function k8sJobYaml(job: Record<string, unknown>, watch: string): string {
  const name = (job.metadata as { name: string }).name;
  return `# Written by model-factory (docs/scale-out.md). Apply: kubectl apply -f THIS_FILE; watch: kubectl get job ${name}
# and ${watch}; apply it again after kubectl delete job ${name} to retry what failed.
${stringify(job, { lineWidth: 0 })}`;
}

/** A DNS-1123 name (what Kubernetes accepts for a Job): lowercase, digits and "-", at most 63 characters. */
export function k8sName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return name || "mf-workers";
}
