import { css, html, LitElement, svg } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { shared } from "../styles.ts";
import { betterOf, type Cell, type Column, compareCells, type FlatRun } from "./run_columns.ts";

const HEIGHT = 320;
const TOP = 50;
const BOTTOM = 24;
/** Pixels between axes where there is room; down to MIN_GAP to fit the box, below that the plot scrolls. */
const AXIS_GAP = 120;
const MIN_GAP = 100;
/** Room left of the first axis and right of the last, for names and tick labels. */
const MARGINS = 140;
const MAX_AXES = 16;
/** Columns that are no setting (the data, outcomes, times) or repeat another (a seed per run, the dataset's copy of horizon and window). */
const NOT_AXES = new Set(["data", "status", "epochs", "best_epoch", "created", "total_s", "seed", "trainer.seed", "dataset.horizon", "dataset.seq_len"]);
/** Categories labelled on an axis; more than this and only every n-th is. */
const MAX_LABELS = 12;

interface Axis {
  column: Column;
  /** Maps a cell to a y position, or undefined when the run has no value there. */
  y(value: Cell): number | undefined;
  ticks: { y: number; text: string; full: string }[];
}

/**
 * Parallel coordinates: one vertical axis per setting that differs between the runs (numbers on a
 * linear scale, text as evenly spaced categories), then the chosen metric; one line per run, coloured
 * by the metric (blue better, orange worse). Fires `metric` with the column key a person picks.
 */
@customElement("mf-parallel-coords")
export class ParallelCoords extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .plot {
        overflow-x: auto;
      }
      svg {
        display: block;
        font-size: 11px;
      }
      path.run {
        fill: none;
        stroke-width: 1.2;
        stroke-opacity: 0.55;
      }
      path.run:hover {
        stroke-width: 3;
        stroke-opacity: 1;
      }
      line.axis {
        stroke: #5b6572;
      }
      text.name {
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false })
  accessor runs: FlatRun[] = [];
  @property({ attribute: false })
  accessor columns: Column[] = [];
  /** Key of the metric column; the first val metric when empty. */
  @property()
  accessor metric = "";
  /** The width the plot has to fit in (the element's own), followed as it changes. */
  @state()
  accessor available = 0;
  private readonly resize = new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width !== this.available) this.available = width;
  });

  override connectedCallback() {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  /**
   * Widens the drawing to what it holds: tick labels start right of their axis and names are centred on it, so the
   * last axis's (and a long first name's) text would run past an edge the axis spacing alone gives.
   */
  protected override updated() {
    const plot = this.renderRoot.querySelector<SVGSVGElement>("svg");
    if (!plot) return;
    const box = plot.getBBox();
    const left = Math.min(0, Math.floor(box.x) - 4);
    const width = Math.max(Number(plot.getAttribute("data-width")), Math.ceil(box.x + box.width) + 8) - left;
    plot.setAttribute("width", String(width));
    plot.setAttribute("viewBox", `${left} 0 ${width} ${HEIGHT}`);
  }

  override render() {
    const metrics = this.columns.filter((c) => c.numeric && betterOf(c.key) !== undefined);
    const metric = metrics.find((c) => c.key === this.metric) ?? metrics.find((c) => c.key === "val.f1_macro") ?? metrics[0];
    const picker = html`<label>metric <select name="metric" @change=${(e: Event) =>
      this.dispatchEvent(new CustomEvent("metric", { detail: (e.target as HTMLSelectElement).value }))}>
      ${metrics.map((c) => html`<option .value=${c.key} ?selected=${c === metric}>${c.label}</option>`)}</select></label>`;
    if (!metric) return html`<p class="empty">No run has final metrics to plot.</p>`;
    const settings = this.columns.filter((c) =>
      !/^(val|test)\./.test(c.key) && !NOT_AXES.has(c.key) &&
      new Set(this.runs.map((r) => r.cells[c.key])).size > 1
    );
    if (!settings.length) {
      return html`${picker}<p class="empty">The ${this.runs.length} run(s) shown share every setting: nothing to plot against ${metric.label}.</p>`;
    }
    const n = Math.min(settings.length, MAX_AXES) + 1;
    // as wide as the box when the axes fit at MIN_GAP or more; a box the headless browser draws without scrollbars hid the rest
    const gap = this.available ? Math.max(MIN_GAP, Math.min(AXIS_GAP, Math.floor((this.available - MARGINS) / Math.max(1, n - 1)))) : AXIS_GAP;
    // a category label stays within the gap to the next axis (about 6.5 px a character at 11 px): 18 characters at 120 px
    const chars = Math.min(18, Math.floor((gap - 3) / 6.5));
    const axes = [...settings.slice(0, MAX_AXES), metric].map((c) => axisOf(c, this.runs, chars));
    const values = this.runs.map((r) => r.cells[metric.key]).filter((v): v is number => typeof v === "number");
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const better = betterOf(metric.key);
    const colour = (v: Cell) => {
      if (typeof v !== "number") return "#9aa3ad";
      const t = hi > lo ? (v - lo) / (hi - lo) : 1;
      return `hsl(${Math.round(25 + 190 * (better === "lower" ? 1 - t : t))} 75% 45%)`;
    };
    const width = gap * (axes.length - 1) + MARGINS;
    const x = (i: number) => MARGINS / 2 + i * gap;
    // runs without the metric are drawn first, under the coloured ones
    const order = [...this.runs].sort((a, b) => compareCells(a.cells[metric.key], b.cells[metric.key]) * (better === "lower" ? -1 : 1));
    return html`
      ${picker}
            <p class="muted">${this.runs.length} run(s); ${settings.length > MAX_AXES
              ? `the first ${MAX_AXES} of ${settings.length} differing settings; `
              : ""}colour by ${metric.label}, blue is better.</p>
            <div class="plot">
        <svg role="img" aria-label=${`Parallel coordinates: ${
          axes.map((a) => a.column.label).join(", ")
        }`} width=${width} data-width=${width} height=${HEIGHT} viewBox="0 0 ${width} ${HEIGHT}">
              ${order.map((run) => {
                const points = axes.map((a, i) => [x(i), a.y(run.cells[a.column.key])] as const).filter(([, y]) => y !== undefined);
                return svg`
                  <path class="run" stroke=${colour(run.cells[metric.key])} d=${points.map(([px, py], i) => `${i ? "L" : "M"}${px} ${py!.toFixed(1)}`).join(
                    "",
                  )}>
                    <title>${run.row.id}</title>
                  </path>
                `;
              })}
              ${axes.map((a, i) =>
                svg`<line class="axis" x1=${x(i)} x2=${x(i)} y1=${TOP} y2=${HEIGHT - BOTTOM}></line>
          <text class="name" x=${x(i)} y=${TOP - (i % 2 ? 12 : 30)} text-anchor="middle">${a.column.label.replace(/^params\./, "")}</text>
          ${a.ticks.map((t) => svg`<text x=${x(i) + 5} y=${t.y + 4}>${t.text}${t.text === t.full ? "" : svg`<title>${t.full}</title>`}</text>`)}`
              )}
            </svg>
      </div>
    `;
  }
}

/** An axis for a column over these runs: numbers spread linearly from min (bottom) to max, text as categories cut to `chars`. */
function axisOf(column: Column, runs: FlatRun[], chars: number): Axis {
  const span = HEIGHT - TOP - BOTTOM;
  const bottom = HEIGHT - BOTTOM;
  const present = runs.map((r) => r.cells[column.key]).filter((v) => v !== undefined);
  if (column.numeric) {
    const nums = present as number[];
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
    const y = (v: Cell) => (typeof v === "number" ? bottom - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * span : undefined);
    // 4 significant digits: a learning rate of 0.0001 must not read 0.000
    const label = (v: number) => String(Number(v.toPrecision(4)));
    const tick = (v: number, at: number) => ({ y: at, text: label(v), full: label(v) });
    return { column, y, ticks: hi > lo ? [tick(lo, bottom), tick(hi, TOP)] : [tick(lo, y(lo)!)] };
  }
  const categories = [...new Set(present.map(String))].sort((a, b) => compareCells(a, b));
  const step = categories.length > 1 ? span / (categories.length - 1) : 0;
  const place = new Map(categories.map((c, i) => [c, categories.length > 1 ? bottom - i * step : TOP + span / 2]));
  const every = Math.ceil(categories.length / MAX_LABELS);
  return {
    column,
    y: (v) => (v === undefined ? undefined : place.get(String(v))),
    ticks: categories.filter((_, i) => i % every === 0).map((c) => ({ y: place.get(c)!, text: c.length > chars ? `${c.slice(0, chars - 1)}…` : c, full: c })),
  };
}
