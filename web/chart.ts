import { css, html, LitElement, type PropertyValues, unsafeCSS } from "lit";
import { customElement, property } from "lit/decorators.js";
import uPlot from "uplot";
import uPlotCss from "uplot/dist/uPlot.min.css?inline";

/** Columns of a line chart: x values, then one array per series (null for a gap). */
export type ChartData = [number[], ...(number | null)[][]];

const COLORS = ["#1f6feb", "#d9480f", "#2b8a3e", "#7048e8", "#c2255c"];

/** A uPlot line chart (fast on 100k points); set `data` to redraw, its height never changes, so nothing jumps. */
@customElement("mf-chart")
export class Chart extends LitElement {
  // uPlot's own stylesheet, bundled from the package (no data in it), adopted into this shadow root
  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host {
        display: block;
        min-height: 260px;
      }
    `,
  ];

  @property()
  accessor label = "";
  @property()
  accessor xLabel = "epoch";
  /** x values are times in seconds since the epoch (a date axis) instead of epoch numbers. */
  @property({ type: Boolean })
  accessor time = false;
  /** Series names; a new array with the same names keeps the chart (rebuilding it costs a frame). */
  @property({ attribute: false, hasChanged: (a?: string[], b?: string[]) => a?.join("\n") !== b?.join("\n") })
  accessor series: string[] = [];
  @property({ attribute: false })
  accessor data: ChartData = [[]];
  private plot?: uPlot;
  private resize = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: 220 }));

  override render() {
    return html`<div role="img" aria-label=${`${this.label}: ${this.series.join(", ")} by ${this.xLabel}`}></div>`;
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has("series") || !this.plot) this.build();
    else if (changed.has("data")) this.plot.setData(this.data);
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
    const target = this.renderRoot.querySelector("div")!;
    this.plot = new uPlot(
      {
        title: this.label,
        width: this.width(),
        height: 220,
        scales: { x: { time: this.time } },
        // epochs are whole numbers: no 0.5 ticks
        axes: [this.time ? { label: this.xLabel } : { label: this.xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] }, {}],
        series: [
          { label: this.xLabel },
          ...this.series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: this.data[0].length < 60 } })),
        ],
      },
      this.data,
      target,
    );
  }

  private width(): number {
    return Math.max(280, Math.min(this.clientWidth || 560, 900));
  }
}
