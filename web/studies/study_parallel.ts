import { svg, type SVGTemplateResult } from "lit";
import type { ParallelData, ParamAxis } from "../../core/tune/study_view.ts";
import { valueText } from "../../core/tune/study_view.ts";

const HEIGHT = 300, TOP = 46, BOTTOM = 22, GAP = 120, LEFT = 60;
/** Categories labelled on an axis; more and only every n-th is. */
const MAX_LABELS = 10;

/** Tick labels of a parameter axis at positions 0 (bottom) to 1 (top): both ends, the middle of a log range, or the choices. */
function ticks(axis: ParamAxis): { at: number; text: string }[] {
  if (axis.kind === "categorical") {
    const n = axis.choices.length, every = Math.ceil(n / MAX_LABELS);
    return axis.choices.flatMap((c, i) => (i % every ? [] : [{ at: n > 1 ? i / (n - 1) : 0.5, text: c.length > 14 ? `${c.slice(0, 13)}…` : c }]));
  }
  if (axis.max === axis.min) return [{ at: 0.5, text: valueText(axis.min) }];
  const middle = axis.log ? Math.sqrt(axis.min * axis.max) : (axis.min + axis.max) / 2;
  return [{ at: 0, text: valueText(axis.min) }, { at: 0.5, text: valueText(middle) }, { at: 1, text: valueText(axis.max) }];
}

/**
 * Parallel coordinates of a study: a vertical axis per parameter (log axes for log parameters, choices evenly spaced)
 * then the objective; a line per complete trial coloured by its value (blue better, orange worse), broken where a
 * trial did not sample a parameter. Each line's tooltip names its trial.
 */
export function parallelPlot(data: ParallelData): SVGTemplateResult {
  const { axes, objective, rows } = data;
  const all = [...axes.map((a) => ({ label: a.label, ticks: ticks(a) })), {
    label: objective.label,
    ticks: objective.max > objective.min
      ? [{ at: 0, text: valueText(objective.min) }, { at: 1, text: valueText(objective.max) }]
      : [{ at: 0.5, text: valueText(objective.min) }],
  }];
  const width = LEFT + GAP * (all.length - 1) + 100;
  const x = (i: number) => LEFT + i * GAP;
  const y = (at: number) => HEIGHT - BOTTOM - at * (HEIGHT - TOP - BOTTOM);
  const colour = (value: number) => {
    const t = objective.max > objective.min ? (value - objective.min) / (objective.max - objective.min) : 1;
    return `hsl(${Math.round(25 + 190 * (objective.direction === "minimize" ? 1 - t : t))} 75% 45%)`;
  };
  // worse trials first, so the best are drawn on top
  const order = [...rows].sort((a, b) => (a.value - b.value) * (objective.direction === "minimize" ? -1 : 1));
  return svg`
    <svg class="parallel" role="img" aria-label=${`Parallel coordinates: ${all.map((a) => a.label).join(", ")}`} width=${width} height=${HEIGHT}
      viewBox="0 0 ${width} ${HEIGHT}">
      ${order.map((row) => {
        // a trial without a parameter (a conditional one) breaks its line there
        let pen = "M";
        const d = row.positions.map((p, i) => {
          if (p === null) return (pen = "M"), "";
          const part = `${pen}${x(i)} ${y(p).toFixed(1)}`;
          pen = "L";
          return part;
        }).join("");
        return svg`
          <path class="trial" data-trial=${row.number} stroke=${colour(row.value)} d=${d}>
            <title>trial ${row.number}: ${valueText(row.value)}</title>
          </path>
        `;
      })}
      ${all.map((axis, i) =>
        svg`<line class="axis" x1=${x(i)} x2=${x(i)} y1=${TOP} y2=${HEIGHT - BOTTOM}></line>
        <text class="name" x=${x(i)} y=${TOP - (i % 2 ? 10 : 26)} text-anchor="middle">${axis.label}</text>
        ${axis.ticks.map((t) => svg`<text class="tick" x=${x(i) + 5} y=${y(t.at) + 4}>${t.text}</text>`)}`
      )}
    </svg>
  `;
}
