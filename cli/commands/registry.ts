import { closest } from "../../core/config/parse.ts";
import { ConfigError } from "../../core/errors.ts";
import { aliasCommand, aliasUsage, deleteCommand, deleteUsage, unaliasCommand, unaliasUsage } from "./registry_alias.ts";
import { DEFAULT_REGISTRY } from "./registry_args.ts";
import { exportCommand, exportUsage, importCommand, importUsage } from "./registry_export.ts";
import { registerCommand, registerUsage } from "./registry_register.ts";
import { historyCommand, historyUsage, listCommand, listUsage, showCommand, showUsage } from "./registry_show.ts";

const subcommands: Record<string, (args: string[]) => Promise<void>> = {
  register: registerCommand,
  list: listCommand,
  show: showCommand,
  alias: aliasCommand,
  unalias: unaliasCommand,
  history: historyCommand,
  delete: deleteCommand,
  export: exportCommand,
  import: importCommand,
};

/** Usage of `mf registry`. */
export const registryUsage = `mf registry SUBCOMMAND ... [--registry ${DEFAULT_REGISTRY}] [--json]
       ${registerUsage}
       ${listUsage}
       ${showUsage}
       ${aliasUsage}
       ${unaliasUsage}
       ${historyUsage}
       ${deleteUsage}
       ${exportUsage.replace(/\n/g, "\n  ")}
       ${importUsage.replace(/\n/g, "\n  ")}
     (named models with versions 1..n, each a copy of a finished run's model; aliases such as champion point at
      one version and every move is kept; --json prints the result as the last stdout line)`;

/** `mf registry`: the model registry's subcommands. */
export async function registryCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === "--help" || sub === "-h" || sub === "help") return console.log(registryUsage);
  const command = subcommands[sub];
  if (!command) {
    const near = closest(sub, Object.keys(subcommands));
    throw new ConfigError(
      `mf registry: unknown subcommand "${sub}"${near ? ` (did you mean "${near}"?)` : ""}; subcommands: ${Object.keys(subcommands).join(", ")}`,
      {
        value: sub,
      },
    );
  }
  await command(rest);
}
