import { dirname, join, resolve } from "node:path";
import { NotFoundError } from "../../core/errors.ts";
import { EXPERIMENT_FILE, ExperimentRecord } from "../../core/experiment/record.ts";
import { writeReport } from "../../core/experiment/record_sync.ts";
import { readRunJson } from "../../core/train/run_record.ts";
import { parseFlags, required } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { reportSummary } from "../report_summary.ts";

const flags = { experiment: { type: "string" }, runs: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf report`. */
export const reportUsage = `mf report --experiment NAME [--runs experiments/runs] [--json]
   (rebuilds experiments/NAME/report.md and report.json from the experiment's record and its runs)`;

/** `mf report`: regenerates an experiment's comparison report from its stored runs. */
export async function reportCommand(args: string[]): Promise<void> {
  const f = parseFlags("report", args, flags);
  if (f.help) return console.log(reportUsage);
  const name = required("report", "experiment", f.experiment);
  const runsDir = f.runs ?? join("experiments", "runs");
  const experiments = new DiskRunStore(dirname(runsDir));
  const files = await experiments.files(name).catch((): string[] => []);
  if (!files.includes(EXPERIMENT_FILE)) {
    throw new NotFoundError(`No experiment "${name}" in ${dirname(runsDir)} (no ${join(dirname(runsDir), name, EXPERIMENT_FILE)}; run mf experiment first)`);
  }
  const record = await readRunJson(experiments, name, EXPERIMENT_FILE, ExperimentRecord);
  const report = await writeReport(record, { store: new DiskRunStore(runsDir), experiments, clock: Date });
  const folder = resolve(dirname(runsDir), name);
  const paths = { report_md: join(folder, "report.md"), report_json: join(folder, "report.json") };
  if (f.json) {
    // the planned cells, as mf experiment counts them (ensembles are listed in the report, but are not cells)
    const planned = new Set(record.cells.map((c) => c.cell_id));
    const mine = report.cells.filter((c) => planned.has(c.cell_id));
    const cells = planned.size, finished = mine.filter((c) => c.status === "finished").length;
    const failed = mine.filter((c) => c.status === "failed").length;
    console.log(JSON.stringify({ experiment: name, cells, finished, failed, ...paths }));
  } else {
    console.log(reportSummary(report));
    console.log(`\nreport: ${paths.report_md}`);
  }
}
