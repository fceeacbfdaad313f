import type { ExperimentEvent } from "../core/experiment/runner.ts";
import { terminalProgress } from "./progress.ts";

const encoder = new TextEncoder();
const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/** 1h02m, 3m05s, 42s. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/**
 * Shows an experiment's progress on stderr: before each cell a bar for the experiment (cell k of N,
 * elapsed, ETA), then the run's own progress beneath it, and one line as each cell ends.
 */
export function experimentProgress(): (event: ExperimentEvent) => void {
  let unit = "epoch";
  const run = terminalProgress(() => unit);
  return (event) => {
    switch (event.kind) {
      case "plan": {
        const left = event.cells.length - event.done.length;
        write(`${event.done.length} of ${event.cells.length} cells already finished; ${left} to run\n`);
        break;
      }
      case "cell": {
        const width = 24, filled = Math.round(((event.position - 1) / event.total) * width);
        const eta = event.eta_s === undefined ? "" : `, ETA ${duration(event.eta_s)}`;
        const { cell } = event;
        write(
          `\n[${"=".repeat(filled)}${
            " ".repeat(width - filled)
          }] cell ${event.position}/${event.total}: ${cell.label} h${cell.horizon} seed ${cell.seed} · elapsed ${duration(event.elapsed_s)}${eta}\n`,
        );
        break;
      }
      case "cell-end":
        write(
          `${event.status === "failed" ? "✗" : "✓"} ${event.cell.label} h${event.cell.horizon} seed ${event.cell.seed}: ${event.status}${
            event.error ? `: ${event.error}` : ""
          }\n`,
        );
        break;
      case "run":
        unit = event.cell.resolved.plugin.trainerSettings?.epoch ?? "epoch";
        run(event.event);
        break;
      case "report":
        break;
      default:
        event satisfies never;
    }
  };
}
