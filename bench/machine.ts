// Shared by the bench/ scripts: what machine a figure was measured on, medians, and recording results.
import { join } from "node:path";
import { cpus, totalmem } from "node:os";

/** CPU model, cores, memory, runtime: recorded beside every benchmark figure. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    deno: Deno.version.deno,
    os: Deno.build.os,
    arch: Deno.build.arch,
  };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Writes experiments/benchmarks/<name>.json and a readable <name>.md table, and prints the table. */
export async function writeResult(name: string, result: Record<string, unknown>, rows: [string, string][]): Promise<void> {
  const dir = join("experiments", "benchmarks");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
  const m = machine();
  const md = [
    `# Benchmark: ${name}`,
    "",
    `Measured ${
      new Date().toISOString().slice(0, 10)
    } on ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Deno ${m.deno}. Medians; rerun with \`npm run bench:${name}\`.`,
    "",
    "| measure | result |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
  ].join("\n");
  await Deno.writeTextFile(join(dir, `${name}.md`), md);
  console.log(md);
}
