import { svg, type SVGTemplateResult } from "lit";
import { clip } from "./report_bars.ts";
import { fixed } from "./report_format.ts";

/** A labelled n x n matrix drawn as coloured cells with their values. */
export interface Heatmap {
  /** What the values are, e.g. "Correlation of test signals". */
  title: string;
  labels: string[];
  matrix: (number | null)[][];
  /** diverging: -1 blue, 0 white, 1 red (a correlation); sequential: 0 white to 1 blue (a share). */
  scale: "diverging" | "sequential";
  /** The tooltip of cell (i, j). */
  describe(i: number, j: number, value: number | null): string;
}

type Rgb = [number, number, number];
const hex = (h: string): Rgb => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
// ColorBrewer RdBu ends and middle, and Blues: legible, and safe for the common colour-vision deficiencies
const BLUE = hex("#2166ac"), WHITE = hex("#f7f7f7"), RED = hex("#b2182b"), PALE = hex("#f7fbff"), DEEP = hex("#08519c");

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return a.map((x, i) => Math.round(x + (b[i] - x) * t)) as Rgb;
}

/** The fill of a value on a scale, and whether text on it should be white; null values are grey. */
export function cellColor(value: number | null, scale: Heatmap["scale"]): { fill: string; dark: boolean } {
  if (value === null) return { fill: "#d8dde3", dark: false };
  let rgb: Rgb, strength: number;
  if (scale === "diverging") {
    const v = Math.max(-1, Math.min(1, value));
    rgb = v < 0 ? mix(WHITE, BLUE, -v) : mix(WHITE, RED, v);
    strength = Math.abs(v);
  } else {
    const v = Math.max(0, Math.min(1, value));
    rgb = mix(PALE, DEEP, v);
    strength = v;
  }
  return { fill: `rgb(${rgb.join(", ")})`, dark: strength > 0.55 };
}

const CELL = 46, CHAR = 6.6;

/**
 * The matrix as SVG: row labels on the left, column labels slanted on top, each cell filled on the scale
 * with its value (2 decimals) written in it and its tooltip from `describe`, and a legend of the scale.
 *
 * @example
 * ```ts
 * html`${heatmap({ title: "Correlation", labels, matrix, scale: "diverging", describe: (i, j, v) => `${v}` })}`;
 * ```
 */
export function heatmap(map: Heatmap): SVGTemplateResult {
  const { labels, matrix } = map;
  const n = labels.length;
  const shown = labels.map((l) => clip(l, 20));
  const longest = Math.max(4, ...shown.map((l) => l.length));
  const left = Math.ceil(longest * CHAR) + 12;
  const top = Math.ceil(longest * CHAR * 0.72) + 28;
  // wide enough for the title (12px bold), the legend, and the last slanted column label (cos 40° of its length)
  const width = Math.ceil(Math.max(left + n * CELL + 16, left + 160, map.title.length * 7.4, left + (n - 0.5) * CELL + longest * CHAR * 0.77 + 8));
  const legendY = top + n * CELL + 14;
  const height = legendY + 34;
  const [lo, hi] = map.scale === "diverging" ? [-1, 1] : [0, 1];
  const steps = Array.from({ length: 11 }, (_, i) => lo + ((hi - lo) * i) / 10);
  return svg`
    <svg class="heatmap" role="img" aria-label=${`${map.title}: ${n} by ${n}`} viewBox="0 0 ${width} ${height}" width=${width} height=${height}>
      <text class="title" x="0" y="14">${map.title}</text>
      ${shown.map((label, j) => {
        const cx = left + j * CELL + CELL / 2;
        return svg`<text class="col-label" transform="translate(${cx} ${top - 6}) rotate(-40)">${label}<title>${labels[j]}</title></text>`;
      })}
      ${shown.map((label, i) =>
        svg`<text class="row-label" x=${left - 6} y=${top + i * CELL + CELL / 2 + 4} text-anchor="end">${label}<title>${labels[i]}</title></text>`
      )}
      ${matrix.map((row, i) =>
        row.map((value, j) => {
          const { fill, dark } = cellColor(value, map.scale);
          const x = left + j * CELL, y = top + i * CELL;
          return svg`
            <g class="cell" data-row=${i} data-col=${j}>
              <rect x=${x} y=${y} width=${CELL - 1} height=${CELL - 1} fill=${fill}></rect>
              <text x=${x + CELL / 2} y=${y + CELL / 2 + 4} text-anchor="middle" fill=${dark ? "#fff" : "#1b1f24"}>${fixed(value, 2)}</text>
              <title>${map.describe(i, j, value)}</title>
            </g>
          `;
        })
      )}
      <g class="legend" aria-hidden="true">
        ${steps.map((v, k) => svg`<rect x=${left + k * 14} y=${legendY} width="14" height="10" fill=${cellColor(v, map.scale).fill}></rect>`)}
        <text class="tick" x=${left + 7} y=${legendY + 24} text-anchor="middle">${lo}</text>
        <text class="tick" x=${left + 77} y=${legendY + 24} text-anchor="middle">${(lo + hi) / 2}</text>
        <text class="tick" x=${left + 147} y=${legendY + 24} text-anchor="middle">${hi}</text>
      </g>
    </svg>
  `;
}
