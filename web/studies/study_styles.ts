import { css } from "lit";

/** The study view's own look (on top of the shared styles): best panel, importance bars, slices grid, plots, trials table. */
export const studyStyles = css`
  .meta,
  .counts {
    margin: 0.2rem 0;
  }
  .best {
    background: #fff8db;
    border: 1px solid #f0d98c;
    border-radius: 4px;
    padding: 0.3rem 0.8rem 0.6rem;
    margin: 0.6rem 0 0;
  }
  .best ul.params {
    margin: 0.2rem 0 0.6rem;
    padding-left: 1.2rem;
  }
  table.importances th {
    background: none;
    font-weight: 400;
    white-space: nowrap;
  }
  table.importances td.bar-cell {
    width: 24rem;
  }
  table.importances .bar {
    display: inline-block;
    height: 0.8rem;
    min-width: 1px;
    background: #1f6feb;
    border-radius: 2px;
  }
  .slices {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(280px, 440px));
    gap: 0.8rem;
  }
  .plot,
  .scroll {
    overflow-x: auto;
  }
  svg.parallel {
    display: block;
    font: 11px system-ui, sans-serif;
  }
  svg.parallel path.trial {
    fill: none;
    stroke-width: 1.3;
    stroke-opacity: 0.6;
  }
  svg.parallel path.trial:hover {
    stroke-width: 3;
    stroke-opacity: 1;
  }
  svg.parallel line.axis {
    stroke: #5b6572;
  }
  svg.parallel text.name {
    font-weight: 600;
  }
  svg.parallel text.tick {
    fill: #5b6572;
  }
  .key::before {
    content: "";
    display: inline-block;
    width: 1.4rem;
    height: 0;
    margin: 0 0.3rem 0.2rem 0.6rem;
    vertical-align: middle;
    border-top: 2px solid #9aa3ad;
  }
  .key.complete::before {
    border-top-color: #1f6feb;
  }
  .key.pruned::before {
    border-top: 2px dashed #d9480f;
  }
  table.trials td {
    white-space: nowrap;
  }
  tr.best {
    background: #fff8db;
  }
  tr.pruned td.state {
    color: #d9480f;
  }
  tr.failed td.state {
    color: #b71c1c;
  }
  .star {
    color: #b7791f;
  }
  dialog textarea {
    font: 12px ui-monospace, monospace;
    width: 100%;
    box-sizing: border-box;
  }
`;
