import { svg, type SVGTemplateResult } from "lit";
import type { SeedStat } from "../../core/experiment/report_stats.ts";
import { seedsOf, stat } from "./report_format.ts";

/** One model's values in a bar chart, one per series (val, test). */
export interface BarGroup {
  label: string;
  values: SeedStat[];
  /** Drawn in bold with a star: the model chosen on validation. */
  best?: boolean;
}

/** A horizontal grouped bar chart: a row per model, a bar per series, whiskers of ± one std over seeds. */
export interface BarChart {
  /** What the bars measure, e.g. "macro-F1". */
  title: string;
  series: string[];
  groups: BarGroup[];
  digits: number;
  /** A reference line (the success bar on validation). */
  reference?: { value: number; label: string };
}

/** Series colours: val blue, test orange (the app's chart colours). */
export const SERIES_COLORS = ["#1f6feb", "#d9480f", "#2b8a3e", "#7048e8"];

const WIDTH = 560, LEFT = 150, RIGHT = 56, TOP = 44, BOTTOM = 26, BAR = 12, GAP = 10;

/** The "nice" tick step for a range: 1, 2 or 5 times a power of ten, about five ticks. */
function tickStep(span: number): number {
  const raw = span / 5 || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

/** Text cut to `max` characters with an ellipsis (the full text is in the element's title). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The chart as SVG: labelled axis with ticks, one row per model (its label on the left, the best in
 * bold), bars from zero with the value at their end, whiskers for the std, and every bar's value over
 * seeds in its tooltip. Missing values draw no bar and say so in the row's tooltip.
 *
 * @example
 * ```ts
 * html`${barChart({ title: "macro-F1", series: ["val", "test"], groups, digits: 3 })}`;
 * ```
 */
export function barChart(chart: BarChart): SVGTemplateResult {
  const { groups, series } = chart;
  const ends = groups.flatMap((g) => g.values.flatMap((v) => (v.mean === null ? [] : [v.mean - (v.std ?? 0), v.mean + (v.std ?? 0)])));
  if (chart.reference) ends.push(chart.reference.value);
  let lo = Math.min(0, ...ends), hi = Math.max(0, ...ends);
  if (hi === lo) hi = lo + 1;
  // room for the value written past each bar's end
  const pad = 0.15 * (hi - lo);
  if (lo < 0) lo -= pad;
  if (hi > 0) hi += pad;
  const step = tickStep(hi - lo);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const plot = WIDTH - LEFT - RIGHT;
  const x = (v: number) => LEFT + ((v - lo) / (hi - lo)) * plot;
  const rowHeight = series.length * BAR + GAP;
  const height = TOP + groups.length * rowHeight + BOTTOM;
  const ticks = Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
  const bottom = height - BOTTOM;
  const tickDigits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return svg`
    <svg class="bars" role="img" aria-label=${`${chart.title}: ${
      series.join(" and ")
    } per model`} viewBox="0 0 ${WIDTH} ${height}" width=${WIDTH} height=${height}>
      <text class="title" x=${LEFT} y="14">${chart.title}</text>
      ${series.map((name, i) =>
        svg`
          <rect x=${LEFT + 150 + i * 70} y="5" width="10" height="10" fill=${SERIES_COLORS[i % SERIES_COLORS.length]}></rect>
          <text class="legend" x=${LEFT + 164 + i * 70} y="14">${name}</text>
        `
      )}
      ${ticks.map((t) =>
        svg`
          <line class="grid" x1=${x(t)} x2=${x(t)} y1=${TOP - 4} y2=${bottom}></line>
          <text class="tick" x=${x(t)} y=${bottom + 14} text-anchor="middle">${t.toFixed(tickDigits)}</text>
        `
      )}
      <line class="zero" x1=${x(0)} x2=${x(0)} y1=${TOP - 4} y2=${bottom}></line>
      ${groups.map((g, row) => groupBars(g, chart, TOP + row * rowHeight, x))}
      ${chart.reference
        ? svg`
          <line class="reference" x1=${x(chart.reference.value)} x2=${x(chart.reference.value)} y1=${TOP - 6} y2=${bottom}>
            <title>${chart.reference.label}</title>
          </line>
          <text class="reference-label" x=${x(chart.reference.value) + 3} y=${TOP - 8}>${chart.reference.label}</text>
        `
        : ""}
    </svg>
  `;
}

function groupBars(g: BarGroup, chart: BarChart, top: number, x: (v: number) => number): SVGTemplateResult {
  const zero = x(0);
  const name = g.best ? `★ ${g.label}` : g.label;
  return svg`
    <g class="group" data-label=${g.label}>
      <text class=${g.best ? "label best" : "label"} x=${LEFT - 8} y=${top + (chart.series.length * BAR) / 2 + 4} text-anchor="end">${clip(
        name,
        22,
      )}<title>${name}</title></text>
      ${g.values.map((v, i) => {
        const y = top + i * BAR;
        const what = `${g.label} · ${chart.series[i]} ${chart.title}`;
        if (v.mean === null) return svg`<text class="none" x=${zero + 3} y=${y + BAR - 2}>—<title>${what}: no value (${seedsOf(v)})</title></text>`;
        const end = x(v.mean);
        const tip = `${what}: ${stat(v, chart.digits)} (${seedsOf(v)})`;
        const color = SERIES_COLORS[i % SERIES_COLORS.length];
        const whisker = v.std !== null && v.n > 1
          ? svg`<line class="whisker" x1=${x(v.mean - v.std)} x2=${x(v.mean + v.std)} y1=${y + BAR / 2 - 1} y2=${y + BAR / 2 - 1}></line>`
          : "";
        const reach = v.std !== null && v.n > 1 ? (v.mean >= 0 ? x(v.mean + v.std) : x(v.mean - v.std)) : end;
        return svg`
          <rect class="bar" data-series=${chart.series[i]} x=${Math.min(zero, end)} y=${y} width=${Math.max(1, Math.abs(end - zero))} height=${BAR - 2}
            fill=${color}>
            <title>${tip}</title>
          </rect>
          ${whisker}
          <text class="value" x=${v.mean >= 0 ? reach + 3 : reach - 3} y=${y + BAR - 2} text-anchor=${v.mean >= 0 ? "start" : "end"}>${v.mean.toFixed(
            chart.digits,
          )}</text>
        `;
      })}
    </g>
  `;
}
