import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../..", import.meta.url).pathname;

/** Every module a file reaches through static and dynamic imports: repository files by path, packages by name. */
function reach(file: string, seen = new Map<string, string>()): Map<string, string> {
  const source = readFileSync(file, "utf8");
  for (const match of source.matchAll(/(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\s*\(?\s*["']([^"']+)["']/g)) {
    const spec = match[1] ?? match[2];
    if (!spec.startsWith(".")) {
      seen.set(spec, file);
      continue;
    }
    const target = resolve(dirname(file), spec.replace(/\?.*$/, ""));
    if (seen.has(target)) continue;
    seen.set(target, file);
    if (/\.(ts|js)$/.test(target) && existsSync(target)) reach(target, seen);
  }
  return seen;
}

describe("the viewer's code", () => {
  it("reaches no tfjs, hyparquet or IndexedDB store: it shows stored runs and nothing more", () => {
    const modules = [...reach(join(root, "web/viewer/viewer.ts")).keys()];
    const packages = modules.filter((m) => !m.startsWith("/"));
    expect(packages.filter((p) => /tensorflow|hyparquet/.test(p))).toEqual([]);
    expect(modules.filter((m) => /idb_store|worker|models\//.test(m))).toEqual([]);
    // the crawl does see the run views and their packages
    expect(modules).toEqual(expect.arrayContaining([join(root, "web/runs/runs_table.ts"), join(root, "core/train/run_record.ts")]));
    expect(packages).toEqual(expect.arrayContaining(["lit", "uplot", "zod"]));
  });
});
