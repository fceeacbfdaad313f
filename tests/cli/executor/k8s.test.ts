// deno-lint-ignore-file no-explicit-any -- the Job is read back from YAML, loosely
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { k8sJob, k8sJobYaml, k8sName } from "../../../cli/executor/k8s.ts";

const job = k8sJob({
  name: "mf-experiment-Smoke_Test",
  workers: 6,
  parallel: 2,
  image: "registry.example/model-factory:1.2",
  command: ["deno", "run", "-A", "/app/cli/main.ts"],
  args: ["experiment", "--config", "experiments/smoke.yaml", "--shared-marker", "x"],
  claim: "mf-work",
  mount: "/work",
  cpus: 3,
  labels: { "model-factory/experiment": "smoke" },
}) as any;

describe("the Kubernetes Job of workers", () => {
  it("is a batch/v1 Indexed Job with completions, parallelism and a retry per index", () => {
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.kind).toBe("Job");
    expect(job.metadata.name).toBe("mf-experiment-smoke-test");
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 6, parallelism: 2, backoffLimitPerIndex: 1, maxFailedIndexes: 6 });
    expect(job.spec.template.spec.restartPolicy).toBe("Never"); // backoffLimitPerIndex requires it
    expect(job.spec.template.metadata.labels).toEqual(job.metadata.labels);
    expect(job.metadata.labels).toEqual({ "app.kubernetes.io/name": "model-factory", "model-factory/experiment": "smoke" });
  });

  it("runs the worker command in the image, its index naming the worker and the Job's uid its submission", () => {
    const [container] = job.spec.template.spec.containers;
    expect(container.image).toBe("registry.example/model-factory:1.2");
    expect(container.command).toEqual(["deno", "run", "-A", "/app/cli/main.ts"]);
    expect(container.args).toEqual([
      "experiment",
      "--config",
      "experiments/smoke.yaml",
      "--shared-marker",
      "x",
      "--worker",
      "--task",
      "$(MF_TASK)",
      "--tasks",
      "6",
      "--submission",
      "k8s-$(MF_JOB_UID)",
    ]);
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    expect(env).toEqual({
      MF_TASK: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      MF_JOB_UID: "metadata.labels['batch.kubernetes.io/controller-uid']",
      MF_THREADS: "3",
    });
    // $(VAR) in args expands only variables declared in env: both are
    for (const name of ["MF_TASK", "MF_JOB_UID"]) expect(container.env.findIndex((e: any) => e.name === name)).toBeGreaterThanOrEqual(0);
    expect(container.resources).toEqual({ requests: { cpu: "3" }, limits: { cpu: "3" } });
  });

  it("mounts the working folder from a ReadWriteMany claim and works in it", () => {
    const spec = job.spec.template.spec;
    expect(spec.volumes).toEqual([{ name: "work", persistentVolumeClaim: { claimName: "mf-work" } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: "work", mountPath: "/work" }]);
    expect(spec.containers[0].workingDir).toBe("/work");
  });

  it("is written as YAML that reads back to the same Job, with how to apply it", () => {
    const text = k8sJobYaml(job, "mf experiment --config experiments/smoke.yaml --status");
    expect(text).toMatch(/^# .*kubectl apply -f/m);
    expect(parse(text)).toEqual(job);
  });

  it("makes any name a DNS-1123 name of at most 63 characters", () => {
    expect(k8sName("My Study/h5__x")).toBe("my-study-h5-x");
    expect(k8sName("a".repeat(80) + "-b")).toHaveLength(63);
    expect(k8sName("___")).toBe("mf-workers");
  });
});
