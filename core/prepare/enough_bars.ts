import { NO_LABEL } from "../data/frame.ts";
import { DataError } from "../errors.ts";
import type { Bars } from "./bars.ts";
import type { PrepareConfig } from "./config.ts";
import type { BarrierLabels } from "./labels.ts";
import type { SplitPlan } from "./split.ts";

const SPLITS = ["train", "val", "test"] as const;

/**
 * Refuses prepared splits that could train nothing: a split left without rows, or without a labelled row at some
 * horizon, is a DataError naming it and the bars the settings need per symbol: the feature warm-up, then the purge
 * before and the embargo after each boundary, and the horizon at the end (the last bars have no label), with the
 * split fractions (or dates) applied to the time range.
 */
export function checkEnoughBars(
  bars: Bars,
  config: PrepareConfig,
  context: { plan: SplitPlan; labels: BarrierLabels[]; defined: Uint8Array; rowsOf: Int32Array[] },
): void {
  const { plan, labels, defined, rowsOf } = context;
  const empty = SPLITS.flatMap((name, s) => {
    if (!rowsOf[s].length) return [`the ${name} split has no rows`];
    const unlabelled = labels.filter(({ label }) => !rowsOf[s].some((i) => label[i] !== NO_LABEL)).map((l) => `h${l.horizon}`);
    return unlabelled.length ? [`the ${name} split has no labelled row at ${unlabelled.join(", ")}`] : [];
  });
  if (!empty.length) return;
  const warmup = warmupBars(bars, defined);
  const H = Math.max(...config.labels.horizons), P = plan.purge, E = plan.embargo;
  const need = { train: warmup.bars + P + 1, val: E + P + 1, test: E + H + 1 };
  const longest = longestSymbol(bars);
  let total: string;
  if (config.split.dates) total = `${need.train} before the validation start, ${need.val} in validation and ${need.test} from the test start on`;
  else {
    const f = config.split.fractions, sum = f[0] + f[1] + f[2];
    const n = Math.max(...SPLITS.map((name, s) => Math.ceil((need[name] * sum) / f[s]))) + 1;
    total = `at least ${n} bars with split fractions [${f.join(", ")}] (train >= ${need.train}, val >= ${need.val}, test >= ${need.test} bars)`;
  }
  throw new DataError(
    `${bars.source}: too few bars for these settings: ${empty.join("; ")}. Each symbol needs ${total}: a feature warm-up of ${
      warmup.known ? warmup.bars : `more than ${warmup.bars}`
    } bars, the purge (${P}) before and the embargo (${E}) after each split boundary, and the horizon (${H}) at the end, whose bars have no label. The longest symbol here, ${longest.name}, has ${longest.rows} bars`,
    { file: bars.source },
  );
}

/** Bars before every feature is defined, the most over all segments; `known` false when no segment gets past it (then a lower bound). */
function warmupBars(bars: Bars, defined: Uint8Array): { bars: number; known: boolean } {
  let most = 0, known = false, longest = 0;
  for (let k = 0; k < bars.segments.length; k += 2) {
    const [start, end] = [bars.segments[k], bars.segments[k + 1]];
    longest = Math.max(longest, end - start);
    let i = start;
    while (i < end && !defined[i]) i++;
    if (i < end) {
      known = true;
      most = Math.max(most, i - start);
    }
  }
  return known ? { bars: most, known } : { bars: longest, known };
}

function longestSymbol(bars: Bars): { name: string; rows: number } {
  const counts = new Array<number>(bars.symbols.length).fill(0);
  for (let i = 0; i < bars.rows; i++) counts[bars.symbol[i]]++;
  const s = counts.indexOf(Math.max(...counts));
  return { name: bars.symbols[s], rows: counts[s] };
}
