import { css } from "lit";

/** Look shared by every component (each has its own shadow root, so they adopt this). */
export const shared = css`
  :host {
    display: block;
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 0.6rem;
  }
  h3 {
    font-size: 0.95rem;
    margin: 0.8rem 0 0.4rem;
  }
  section {
    background: #fff;
    border: 1px solid #d8dde3;
    border-radius: 6px;
    padding: 1rem;
    margin: 0 0 1rem;
  }
  table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 0.25rem 0.6rem;
    border-bottom: 1px solid #e6e9ee;
    text-align: left;
    vertical-align: top;
  }
  th {
    font-weight: 600;
    background: #f1f3f6;
  }
  td.num,
  th.num {
    text-align: right;
  }
  button {
    font: inherit;
    padding: 0.35rem 0.9rem;
    border: 1px solid #8a96a3;
    border-radius: 4px;
    background: #fff;
    cursor: pointer;
  }
  button.primary {
    background: #1f6feb;
    border-color: #1f6feb;
    color: #fff;
  }
  button.danger {
    border-color: #c62828;
    color: #c62828;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  a:focus-visible {
    outline: 2px solid #1f6feb;
    outline-offset: 2px;
  }
  input,
  select {
    font: inherit;
    padding: 0.25rem 0.4rem;
    border: 1px solid #8a96a3;
    border-radius: 4px;
  }
  input[aria-invalid="true"] {
    border-color: #c62828;
    background: #fff5f5;
  }
  .muted {
    color: #5b6572;
  }
  .error {
    color: #b71c1c;
    background: #fff5f5;
    border: 1px solid #f1b5b5;
    border-radius: 4px;
    padding: 0.5rem 0.75rem;
    white-space: pre-wrap;
  }
  .empty {
    color: #5b6572;
    font-style: italic;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
    align-items: flex-start;
  }
`;

/** The page frame the app and the static viewer share: the dark header bar, its title, the main column, the header note. */
export const pageFrame = css`
  header {
    display: flex;
    gap: 1.5rem;
    align-items: baseline;
    padding: 0.8rem 1.2rem;
    background: #1b1f24;
    color: #fff;
  }
  header h1 {
    font-size: 1.15rem;
    margin: 0;
  }
  main {
    padding: 1rem 1.2rem;
    max-width: 1400px;
  }
  .note {
    font-size: 0.9em;
    color: #c9d1d9;
    margin-left: auto;
  }
`;
