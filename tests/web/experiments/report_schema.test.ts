import { describe, expect, it } from "vitest";
import { DataError } from "../../../core/errors.ts";
import { reportMarkdown } from "../../../core/experiment/report_markdown.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import { parseReport } from "../../../web/experiments/report_schema.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";

describe("parseReport", () => {
  it("reads report.json as buildReport writes it", async () => {
    const { report } = await fakeExperiment({ failing: { label: "mlp", error: "boom" } });
    expect(parseReport(jsonText(report), "baseline/report.json")).toEqual(report);
  });

  it("names the file and the field of a report that is not one", async () => {
    const { report } = await fakeExperiment({ labels: ["a", "b"], horizons: [5], seeds: [1] });
    const fail = (text: string) => {
      try {
        parseReport(text, "x/report.json");
      } catch (error) {
        expect(error).toBeInstanceOf(DataError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(fail(reportMarkdown(report))).toMatch(/^x\/report\.json is not valid JSON: /);
    expect(fail(JSON.stringify({ ...report, horizons: "5" }))).toMatch(/^x\/report\.json is not an experiment report:\n[\s\S]*→ at horizons$/);
    const d = report.horizons[0].diversity!;
    const lopsided = { ...report, horizons: [{ ...report.horizons[0], diversity: { ...d, correlation: [d.correlation[0]] } }] };
    expect(fail(JSON.stringify(lopsided))).toMatch(/the matrices must be labels x labels[\s\S]*→ at horizons\[0\]\.diversity/);
    const noMean = structuredClone(report) as unknown as { horizons: { rows: { val: { sharpe: { mean?: number } } }[] }[] };
    delete noMean.horizons[0].rows[1].val.sharpe.mean;
    expect(fail(JSON.stringify(noMean))).toMatch(/→ at horizons\[0\]\.rows\[1\]\.val\.sharpe\.mean/);
  });
});
