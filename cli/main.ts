import { ConfigError, DataError, NotFoundError } from "../core/errors.ts";
import { closest } from "../core/config/parse.ts";

type Command = (args: string[]) => unknown;
/**
 * Each command's module, loaded when it runs: one command's imports only (`mf runs` and `mf study` need no tfjs), so a
 * quick command starts in a fraction of the time that loading every command took (~0.5 s). Its run function and usage.
 */
const commands: Record<string, () => Promise<[Command, string]>> = {
  synth: () => import("./commands/synth.ts").then((m) => [m.synthCommand, m.synthUsage]),
  prepare: () => import("./commands/prepare.ts").then((m) => [m.prepareCommand, m.prepareUsage]),
  train: () => import("./commands/train.ts").then((m) => [m.trainCommand, m.trainUsage]),
  experiment: () => import("./commands/experiment.ts").then((m) => [m.experimentCommand, m.experimentUsage]),
  report: () => import("./commands/report.ts").then((m) => [m.reportCommand, m.reportUsage]),
  predict: () => import("./commands/predict.ts").then((m) => [m.predictCommand, m.predictUsage]),
  evaluate: () => import("./commands/evaluate.ts").then((m) => [m.evaluateCommand, m.evaluateUsage]),
  runs: () => import("./commands/runs.ts").then((m) => [m.runsCommand, m.runsUsage]),
  models: () => import("./commands/models.ts").then((m) => [m.modelsCommand, m.modelsUsage]),
  export: () => import("./commands/export.ts").then((m) => [m.exportCommand, m.exportUsage]),
  import: () => import("./commands/import.ts").then((m) => [m.importCommand, m.importUsage]),
  registry: () => import("./commands/registry.ts").then((m) => [m.registryCommand, m.registryUsage]),
  tune: () => import("./commands/tune.ts").then((m) => [m.tuneCommand, m.tuneUsage]),
  study: () => import("./commands/study.ts").then((m) => [m.studyCommand, m.studyUsage]),
  demo: () => import("./commands/demo.ts").then((m) => [m.demoCommand, "mf demo      (synthetic data -> logistic regression at horizon 5)"]),
};

/** Every command's usage: loads them all, one after another (all at once took 0.84 s against 0.58 s). */
async function usage(): Promise<string> {
  const lines: string[] = [];
  for (const load of Object.values(commands)) lines.push((await load())[1]);
  return `Model Factory: train, compare and serve models on financial time series.

${lines.map((line) => `  ${line}`).join("\n")}

Run "mf COMMAND --help" for one command.`;
}

/** Runs one command; expected failures (bad data, config, missing run) print one line and exit 1. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(await usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    const near = closest(name, Object.keys(commands));
    console.error(`error: unknown command "${name}"${near ? ` (did you mean "${near}"?)` : ""}; commands: ${Object.keys(commands).join(", ")}`);
    return 2;
  }
  const [command] = await load();
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
