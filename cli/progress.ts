import type { ProgressEvent, ProgressSink } from "../core/platform.ts";

const encoder = new TextEncoder();
const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/**
 * Shows training progress on stderr (stdout stays free for --json): a live bar per epoch on a
 * terminal, one line per epoch otherwise. `unit` names an epoch as the model counts them (a tree's
 * boosting round: the plugin's `trainerSettings.epoch`), asked at each line.
 */
export function terminalProgress(unit: () => string = () => "epoch"): ProgressSink {
  const live = Deno.stderr.isTerminal();
  let lastDraw = 0;
  return (event: ProgressEvent) => {
    switch (event.kind) {
      case "phase":
        write(`› ${event.phase}${event.detail ? `: ${event.detail}` : ""}\n`);
        break;
      case "run":
        write(`› run ${event.runId} in ${event.location}\n`);
        break;
      case "warning":
        write(`warning: ${event.message}\n`);
        break;
      case "step": {
        const now = Date.now();
        if (!live || (now - lastDraw < 100 && event.step !== event.steps)) return;
        lastDraw = now;
        const width = 30, filled = Math.round((event.step / event.steps) * width);
        write(`\r  [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${event.step}/${event.steps} loss ${event.loss.toFixed(4)}  `);
        break;
      }
      case "epoch": {
        const m = event.metrics;
        const line = `${unit()} ${String(event.epoch + 1).padStart(3)}/${event.epochs}  train loss ${m.train_loss.toFixed(4)} acc ${
          m.train_accuracy.toFixed(3)
        }  val loss ${m.val_loss.toFixed(4)} acc ${m.val_accuracy.toFixed(3)}${event.best ? "  *best" : ""}`;
        write(`${live ? "\r\x1b[2K" : ""}${line}\n`);
        break;
      }
      default:
        event satisfies never;
    }
  };
}
