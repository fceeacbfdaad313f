import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// core/ and models/ run unchanged in Deno and in the browser: they may not reach for a platform.
// tsconfig.core.json (DOM-free, no Deno or Node types) catches globals at type-check time; this
// catches imports, which a type-check alone would let through for untyped modules.
const FORBIDDEN = [
  { pattern: /from\s+["'](node:|npm:|jsr:|https?:)/, what: "a node:/npm:/jsr:/URL import" },
  { pattern: /\bDeno\./, what: "the Deno namespace" },
  { pattern: /\b(document|window|localStorage|indexedDB|navigator)\b\s*[.[]/, what: "a DOM global" },
  { pattern: /\bprocess\.(env|argv|exit|versions)/, what: "Node's process" },
];

/** Source text with comments and the contents of string literals blanked, so prose never trips a rule. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, (m) => (/^["']node:|^["']npm:|^["']jsr:|^["']https?:/.test(m) ? m : `${m[0]}${m[0]}`))
    .replace(/\/\/.*$/gm, "");
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the platform seam", () => {
  const root = new URL("..", import.meta.url).pathname;
  const files = [...sources(join(root, "core")), ...sources(join(root, "models"))];

  it("finds the core and model sources", () => {
    expect(files.length).toBeGreaterThan(15);
  });

  it("flags platform code but not prose about it", () => {
    const hits = (text: string) => FORBIDDEN.filter((f) => f.pattern.test(code(text))).length;
    expect(hits('import { join } from "node:path";')).toBe(1);
    expect(hits("const x = Deno.args;")).toBe(1);
    expect(hits("document.body.append(x);")).toBe(1);
    expect(hits('const why = "navigator.gpu is absent"; // uses window.foo')).toBe(0);
  });

  it("core/ and models/ import nothing from Deno, Node or the DOM", () => {
    const offences = files.flatMap((file) =>
      code(readFileSync(file, "utf8")).split("\n").flatMap((line, i) =>
        FORBIDDEN.filter((f) => f.pattern.test(line)).map((f) => `${file.slice(root.length)}:${i + 1} uses ${f.what}`)
      )
    );
    expect(offences).toEqual([]);
  });

  it("no source file is over 650 lines", () => {
    const all = ["core", "models", "cli", "web", "bench"].flatMap((d) => {
      try {
        return sources(join(root, d));
      } catch {
        return [];
      }
    });
    const long = all.filter((f) => readFileSync(f, "utf8").split("\n").length > 650).map((f) => f.slice(root.length));
    expect(long).toEqual([]);
  });
});
