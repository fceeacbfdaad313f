/// <reference types="node" />
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";

// cli/disk_lock.ts runs on Deno: each test writes a small script that uses withFileLock and runs it with deno.
const { dir, cleanup } = tempDir("lock");
afterAll(cleanup);

/** Runs `body` (TypeScript, with withFileLock imported and `lock` the lock path) under Deno; resolves with its output. */
function deno(body: string, lock: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = join(dir, `script-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(script, `import { withFileLock } from ${JSON.stringify(join(ROOT, "cli", "disk_lock.ts"))};\nconst lock = ${JSON.stringify(lock)};\n${body}\n`);
  return new Promise((done) => {
    execFile(join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", script], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("withFileLock", () => {
  it("serialises holders in one process and removes the lock when done", async () => {
    const lock = join(dir, "serial.lock");
    const r = await deno(
      `const order: string[] = [];
       const hold = (id: string) => withFileLock(lock, async () => { order.push(id + "+"); await new Promise((d) => setTimeout(d, 30)); order.push(id + "-"); }, { pollMs: 5 });
       await Promise.all([hold("a"), hold("b"), hold("c")]);
       console.log(JSON.stringify(order));`,
      lock,
    );
    expect(r.code, r.stderr).toBe(0);
    const order = JSON.parse(r.stdout.trim()) as string[];
    for (let k = 0; k < order.length; k += 2) expect(order[k + 1]).toBe(order[k].replace("+", "-"));
    expect(existsSync(lock)).toBe(false);
  });

  it("waits for a live holder and gives up after the timeout, naming it and leaving its lock alone", async () => {
    const lock = join(dir, "live.lock");
    const holder = JSON.stringify({ pid: process.pid, host: hostname(), at: "2026-01-01T00:00:00.000Z", token: "alive" });
    writeFileSync(lock, holder);
    const r = await deno(`await withFileLock(lock, async () => console.log("got it"), { timeoutMs: 300 });`, lock);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain("got it");
    expect(r.stderr).toContain(`The lock ${lock} has been held by process ${process.pid} on ${hostname()} since 2026-01-01T00:00:00.000Z`);
    expect(r.stderr).toContain("remove that file and try again");
    expect(readFileSync(lock, "utf8")).toBe(holder);
  });

  it("does not remove a lock that another holder took over (its own was broken as stale)", async () => {
    const lock = join(dir, "taken.lock");
    const r = await deno(
      `await withFileLock(lock, async () => { await Deno.writeTextFile(lock, JSON.stringify({ pid: 1, host: "elsewhere", at: "now", token: "theirs" })); });`,
      lock,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(lock, "utf8")).token).toBe("theirs");
  });
});
