import { fullName } from "../../core/model.ts";
import { registry } from "../../models/index.ts";
import { parseFlags } from "../args.ts";
import { table } from "../summary.ts";

const flags = { family: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf models`. */
export const modelsUsage = "mf models [--family F] [--json]";

/** `mf models`: the registered models with family, description, input kind and GPU preference. */
export function modelsCommand(args: string[]): void {
  const f = parseFlags("models", args, flags);
  if (f.help) return console.log(modelsUsage);
  const rows = registry.list(f.family).map((p) => ({
    name: fullName(p),
    short: p.name,
    family: p.family,
    input: p.input,
    wants_gpu: p.wantsGpu,
    default_seq_len: p.defaultSeqLen,
    description: p.description,
  }));
  if (f.json) return console.log(JSON.stringify(rows));
  console.log(
    table([["model", "family", "input", "gpu", "description"], ...rows.map((r) => [r.name, r.family, r.input, r.wants_gpu ? "yes" : "no", r.description])]),
  );
}
