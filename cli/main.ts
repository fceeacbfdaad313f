import { ConfigError, DataError, NotFoundError } from "../core/errors.ts";
import { demoCommand } from "./commands/demo.ts";
import { evaluateCommand, evaluateUsage } from "./commands/evaluate.ts";
import { experimentCommand, experimentUsage } from "./commands/experiment.ts";
import { exportCommand, exportUsage } from "./commands/export.ts";
import { reportCommand, reportUsage } from "./commands/report.ts";
import { importCommand, importUsage } from "./commands/import.ts";
import { modelsCommand, modelsUsage } from "./commands/models.ts";
import { predictCommand, predictUsage } from "./commands/predict.ts";
import { synthCommand, synthUsage } from "./commands/synth.ts";
import { prepareCommand, prepareUsage } from "./commands/prepare.ts";
import { registryCommand, registryUsage } from "./commands/registry.ts";
import { trainCommand, trainUsage } from "./commands/train.ts";
import { tuneCommand, tuneUsage } from "./commands/tune.ts";
import { studyCommand, studyUsage } from "./commands/study.ts";
import { runsCommand, runsUsage } from "./commands/runs.ts";
import { closest } from "../core/config/parse.ts";

const commands: Record<string, (args: string[]) => unknown> = {
  synth: synthCommand,
  prepare: prepareCommand,
  train: trainCommand,
  experiment: experimentCommand,
  report: reportCommand,
  predict: predictCommand,
  evaluate: evaluateCommand,
  runs: runsCommand,
  models: modelsCommand,
  export: exportCommand,
  import: importCommand,
  registry: registryCommand,
  tune: tuneCommand,
  study: studyCommand,
  demo: demoCommand,
};

const usage = `Model Factory: train, compare and serve models on financial time series.

  ${synthUsage}
  ${prepareUsage}
  ${trainUsage}
  ${experimentUsage}
  ${reportUsage}
  ${predictUsage}
  ${evaluateUsage}
  ${runsUsage}
  ${modelsUsage}
  ${exportUsage}
  ${importUsage}
  ${registryUsage}
  ${tuneUsage}
  ${studyUsage}
  mf demo      (synthetic data -> logistic regression at horizon 5)

Run "mf COMMAND --help" for one command.`;

/** Runs one command; expected failures (bad data, config, missing run) print one line and exit 1. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    const near = closest(name, Object.keys(commands));
    console.error(`error: unknown command "${name}"${near ? ` (did you mean "${near}"?)` : ""}; commands: ${Object.keys(commands).join(", ")}`);
    return 2;
  }
  try {
    await command(rest);
    return Deno.exitCode; // a command that finished with something to report (an experiment with failed cells) sets it
  } catch (error) {
    if (error instanceof DataError || error instanceof ConfigError || error instanceof NotFoundError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    // file-system errors (a folder that is a file, no permission, a full disk) are the user's to fix: one line, no trace
    if (Object.values(Deno.errors).some((kind) => error instanceof kind)) {
      console.error(`error: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

// Exit explicitly: a WebGPU device or wasm worker can keep the event loop alive after the work is done.
Deno.exit(await main(Deno.args));
