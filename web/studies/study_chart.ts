import { css, html, LitElement, type PropertyValues, unsafeCSS } from "lit";
import { customElement, property } from "lit/decorators.js";
import uPlot from "uplot";
import uPlotCss from "uplot/dist/uPlot.min.css?inline";

/** One series of a study chart: dots only (a scatter), or a line (dashed when `dash`), in a colour. */
export interface StudySeries {
  label: string;
  color: string;
  /** Dots without a line (trial values); otherwise a line through the points, gaps bridged. */
  dots?: boolean;
  dash?: boolean;
  width?: number;
}

/** What a study chart draws: x values (ascending), one y array per series (null where a series has no point). */
export interface StudyChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: StudySeries[];
  data: [number[], ...(number | null)[][]];
  /** The x axis is log-scaled (a log parameter). */
  logX?: boolean;
  /** Category names: x values are their indices and the axis shows the names. */
  categories?: string[];
  /** Show the legend (off for charts with a series per trial). */
  legend?: boolean;
  /** x values are whole numbers (trials, steps): no fractional ticks. */
  integerX?: boolean;
}

/** Tick steps of a whole-number axis. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

const HEIGHT = 220;

/** How many points a chart draws (non-null y values over all series). */
function pointCount(spec: StudyChartSpec | undefined): number {
  return spec ? spec.data.slice(1).reduce((n, ys) => n + ys.filter((y) => y !== null).length, 0) : 0;
}

/**
 * A uPlot chart for the study views (the app's chart helper, web/chart.ts, draws lines over epochs only): scatter
 * and line series, log or categorical x axes, the legend optional. Set `spec` to redraw; its height is fixed, so
 * nothing jumps. The element carries `data-points` (how many points it draws) for tests and screen readers.
 */
@customElement("mf-study-chart")
export class StudyChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host {
        display: block;
        min-height: ${HEIGHT + 40}px;
      }
    `,
  ];

  @property({ attribute: false })
  accessor spec: StudyChartSpec | undefined;
  /** Width bounds: slices sit several to a row. */
  @property({ type: Number })
  accessor maxWidth = 900;
  private plot?: uPlot;
  private resize = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }));

  override render() {
    const spec = this.spec;
    const points = pointCount(spec);
    return html`<div role="img" aria-label=${spec ? `${spec.title}: ${spec.yLabel} by ${spec.xLabel}, ${points} points` : ""}></div>`;
  }

  protected override updated(changed: PropertyValues<this>) {
    if (!changed.has("spec")) return;
    this.dataset.points = String(pointCount(this.spec));
    this.build();
  }

  override connectedCallback() {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private build() {
    this.plot?.destroy();
    this.plot = undefined;
    const spec = this.spec;
    if (!spec) return;
    const { categories } = spec;
    const n = spec.data[0].length;
    const x: uPlot.Scale = spec.logX ? { time: false, distr: 3 } : { time: false };
    // categories sit on whole numbers with half a step of room on each side
    if (categories) x.range = () => [-0.5, categories.length - 0.5];
    this.plot = new uPlot(
      {
        title: spec.title,
        width: this.width(),
        height: HEIGHT,
        legend: { show: spec.legend ?? true },
        scales: { x },
        axes: [
          categories
            ? { label: spec.xLabel, splits: () => categories.map((_, i) => i), values: (_u, splits) => splits.map((i) => categories[i] ?? "") }
            : spec.integerX
            ? { label: spec.xLabel, incrs: WHOLE_STEPS }
            : { label: spec.xLabel },
          { label: spec.yLabel },
        ],
        series: [
          { label: spec.xLabel },
          ...spec.series.map((s): uPlot.Series =>
            s.dots
              ? { label: s.label, stroke: s.color, fill: s.color, paths: () => null, points: { show: true, size: 7, stroke: s.color, fill: s.color } }
              : { label: s.label, stroke: s.color, width: s.width ?? 2, dash: s.dash ? [5, 4] : undefined, spanGaps: true, points: { show: n < 40 } }
          ),
        ],
      },
      spec.data,
      this.renderRoot.querySelector("div")!,
    );
  }

  private width(): number {
    return Math.max(260, Math.min(this.clientWidth || 560, this.maxWidth));
  }
}
