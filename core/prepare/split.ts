import { ConfigError } from "../errors.ts";
import type { Bars } from "./bars.ts";
import type { PrepareConfig } from "./config.ts";

/** Where the splits start, the same for every symbol, and how many bars are dropped around each boundary. */
export interface SplitPlan {
  valStart: number;
  testStart: number;
  purge: number;
  embargo: number;
}

/** Split of each row: 0 train, 1 val, 2 test, -1 dropped by the purge or the embargo. */
export const DROPPED = -1;

/** Boundaries from fractions of the common time range (or explicit dates); purge defaults to max(horizon). */
export function planSplit(bars: Bars, config: PrepareConfig["split"], maxHorizon: number): SplitPlan {
  let t0 = Infinity, t1 = -Infinity;
  for (let i = 0; i < bars.rows; i++) [t0, t1] = [Math.min(t0, bars.time[i]), Math.max(t1, bars.time[i])];
  let valStart: number, testStart: number;
  if (config.dates) {
    [valStart, testStart] = config.dates.map((d) => Date.parse(d));
    if (!(valStart < testStart)) throw new ConfigError(`split.dates must be increasing, got ${config.dates.join(", ")}`, { key: "split.dates" });
  } else {
    const [a, b, c] = config.fractions;
    const total = a + b + c;
    valStart = t0 + ((t1 - t0) * a) / total;
    testStart = t0 + ((t1 - t0) * (a + b)) / total;
  }
  if (!(valStart > t0 && testStart < t1)) {
    throw new ConfigError(`Split boundaries ${iso(valStart)} and ${iso(testStart)} leave a split empty: the data spans ${iso(t0)} to ${iso(t1)}`, { key: "split" });
  }
  return { valStart, testStart, purge: config.purge ?? maxHorizon, embargo: config.embargo };
}

/**
 * Assigns every row to a split by its time; then, in each segment, drops the `purge` rows before a
 * boundary (their labels would look into the next split) and the `embargo` rows after it.
 */
export function assignSplits(bars: Bars, plan: SplitPlan): Int8Array {
  const split = new Int8Array(bars.rows);
  for (let i = 0; i < bars.rows; i++) split[i] = bars.time[i] < plan.valStart ? 0 : bars.time[i] < plan.testStart ? 1 : 2;
  for (let s = 0; s < bars.segments.length; s += 2) {
    const start = bars.segments[s], end = bars.segments[s + 1];
    // boundaries first (rows that start a new split), then the drops, so one never hides the next
    const boundaries: number[] = [];
    for (let i = start + 1; i < end; i++) if (split[i] !== split[i - 1]) boundaries.push(i);
    for (const b of boundaries) {
      for (let j = Math.max(start, b - plan.purge); j < b; j++) split[j] = DROPPED;
      for (let j = b; j < Math.min(end, b + plan.embargo); j++) split[j] = DROPPED;
    }
  }
  return split;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
