import type { SeedStat } from "../../core/experiment/report_stats.ts";

/** A number with fixed decimals, "—" when missing or not finite. */
export function fixed(x: number | null | undefined, digits: number): string {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—";
}

/** A fraction as a percentage with one decimal, "—" when missing. */
export function percent(x: number | null | undefined): string {
  return typeof x === "number" && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "—";
}

/**
 * A value over seeds: the mean, with ± the sample std when more than one seed had a value (as report.md
 * writes it). `scale` and `unit` turn fractions into percentages.
 */
export function stat(s: SeedStat, digits: number, scale = 1, unit = ""): string {
  if (s.mean === null) return "—";
  const mean = `${(s.mean * scale).toFixed(digits)}${unit}`;
  return s.n > 1 && s.std !== null ? `${mean} ± ${(s.std * scale).toFixed(digits)}${unit}` : mean;
}

/** How many seeds a value is over, for a tooltip: "3 seeds", "1 seed", "no finished seed". */
export function seedsOf(s: SeedStat): string {
  return s.n === 0 ? "no finished seed" : s.n === 1 ? "1 seed" : `${s.n} seeds`;
}

/** Whole numbers (epochs that agree over seeds) need no decimals. */
export function whole(s: SeedStat): number {
  return s.mean !== null && Number.isInteger(s.mean) && (s.std === null || Number.isInteger(s.std)) ? 0 : 1;
}

/** Wall time as `12.3 s`, `4 min 05 s` or `1 h 02 min`. */
export function wallTime(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "—";
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s - 60 * m)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** The first line of an error, at most 300 characters: the rest goes in its tooltip. */
export function firstLine(text: string): string {
  const first = text.split("\n")[0].trim();
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}
