/// <reference types="node" />
import { execFile } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";

// cli/disk_journal.ts runs on Deno: each test writes a small script using DiskJournalStore and runs it with deno.
const { dir, cleanup } = tempDir("journal");
afterAll(cleanup);

const HEADER = {
  op: "create_study",
  name: "s",
  model: "logistic",
  horizon: 5,
  direction: "maximize",
  objective: "f1_macro",
  space: {},
  sampler: "random",
  pruner: null,
  settings: {},
  at: "2026-12-01T10:00:00.000Z",
};

function deno(body: string, root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = join(dir, `script-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    script,
    `import { DiskJournalStore } from ${JSON.stringify(join(ROOT, "cli", "disk_journal.ts"))};
     import { claimTrial, openStudy, loadStudy } from ${JSON.stringify(join(ROOT, "core", "tune", "study.ts"))};
     import { appendOps } from ${JSON.stringify(join(ROOT, "core", "tune", "journal.ts"))};
     const store = new DiskJournalStore(${JSON.stringify(root)}, { pollMs: 2 });
     const header = ${JSON.stringify(HEADER)};
     ${body}\n`,
  );
  return new Promise((done) => {
    // the script lies outside the repository, so deno finds no config from it: without --config the project's bare
    // imports did not resolve on this session's host ('Import "zod" not a dependency'), where they had on others
    const args = ["run", "-A", "--config", join(ROOT, "deno.json"), script];
    execFile(join(ROOT, "node_modules", ".bin", "deno"), args, { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const worker = (name: string) => `
  await openStudy(store, header);
  for (;;) {
    const claim = await claimTrial(store, "s", { worker: "${name}", budget: 30, now: Date.now(), heartbeatMs: 60_000, sample: (_s, n) => ({ n }) });
    if (claim.kind === "done") break;
    if (claim.kind === "wait") { await new Promise((d) => setTimeout(d, 5)); continue; }
    for (let step = 0; step < 3; step++) await appendOps(store, "s", [{ op: "report", trial: claim.number, step, value: claim.number + step / 10 }]);
    await appendOps(store, "s", [{ op: "finish", trial: claim.number, state: "complete", value: claim.number, at: new Date().toISOString() }]);
  }
  console.log("ok");`;

describe("DiskJournalStore", () => {
  it("three processes on one study make exactly the budget's trials, with unique numbers and every report kept", async () => {
    const root = join(dir, "three");
    const results = await Promise.all(["a", "b", "c"].map((w) => deno(worker(w), root)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(root, "s", "journal.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const created = lines.filter((l) => l.op === "create_trial").map((l) => l.number);
    expect(created.sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => k));
    expect(lines.filter((l) => l.op === "create_study")).toHaveLength(1);
    expect(lines.filter((l) => l.op === "report")).toHaveLength(90);
    expect(lines.filter((l) => l.op === "finish" && l.state === "complete")).toHaveLength(30);
    expect(new Set(lines.filter((l) => l.op === "create_trial").map((l) => l.worker)).size).toBeGreaterThan(1);
    expect(existsSync(join(root, "s", "journal.lock"))).toBe(false);
  });

  it("cuts off a partial last line before appending, so it never fuses with the next", async () => {
    const root = join(dir, "partial");
    const r1 = await deno(`await openStudy(store, header);`, root);
    expect(r1.code, r1.stderr).toBe(0);
    const path = join(root, "s", "journal.jsonl");
    appendFileSync(path, '{"op":"create_trial","num');
    const r2 = await deno(
      `const c = await claimTrial(store, "s", { worker: "w", budget: 5, now: Date.now(), heartbeatMs: 1000, sample: () => ({}) });
       console.log(c.kind, c.kind === "trial" ? c.number : -1);
       console.log((await loadStudy(store, "s")).trials.length, JSON.stringify(await store.list()));`,
      root,
    );
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout.trim().split("\n")).toEqual(["trial 0", '1 ["s"]']);
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("a corrupt line in the middle is one clear error, and the journal is left untouched", async () => {
    const root = join(dir, "corrupt");
    await deno(
      `await openStudy(store, header); await claimTrial(store, "s", { worker: "w", budget: 5, now: Date.now(), heartbeatMs: 1000, sample: () => ({}) });`,
      root,
    );
    const path = join(root, "s", "journal.jsonl");
    const lines = readFileSync(path, "utf8").split("\n");
    lines[1] = lines[1].slice(0, 10);
    writeFileSync(path, lines.join("\n"));
    const r = await deno(`await claimTrial(store, "s", { worker: "w", budget: 5, now: Date.now(), heartbeatMs: 1000, sample: () => ({}) });`, root);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("study s journal line 2 is corrupt");
    expect(readFileSync(path, "utf8")).toBe(lines.join("\n"));
  });

  it("refuses a study name that could leave the studies folder", async () => {
    const r = await deno(`await store.read("../x");`, join(dir, "names"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Study name "../x" is not allowed');
  });
});
