import { describe, expect, it } from "vitest";
import { predictionDiversity } from "../../../core/experiment/diversity.ts";
import { buildReport, type ReportInput, type ReportRun } from "../../../core/experiment/report.ts";
import { reportMarkdown } from "../../../core/experiment/report_markdown.ts";
import type { Metrics, SplitMetrics } from "../../../core/train/evaluate.ts";
import { deflatedSharpe, expectedMaxSharpe } from "../../../core/train/metrics/sharpe_stats.ts";

/** The metrics the report reads, with the rest of a metrics.json filled in plausibly. */
interface Spec {
  f1: number;
  sharpe: number;
  sr?: number;
  psr?: number;
  skew?: number | null;
  kurtosis?: number | null;
  n_bars?: number;
  profit_factor?: number | null;
}

function metrics(s: Spec): Metrics {
  return {
    n: 1000,
    accuracy: s.f1 + 0.05,
    f1_macro: s.f1,
    f1_weighted: s.f1 + 0.01,
    precision: { "-1": s.f1, "0": s.f1, "1": s.f1 },
    recall: { "-1": s.f1, "0": s.f1, "1": s.f1 },
    f1: { "-1": s.f1 + 0.1, "0": s.f1 - 0.2, "1": s.f1 + 0.1 },
    support: { "-1": 300, "0": 400, "1": 300 },
    confusion: [[100, 100, 100], [100, 200, 100], [100, 100, 100]],
    log_loss: 1.2 - s.f1,
    sharpe: s.sharpe,
    max_drawdown: 0.2,
    win_rate: 0.5,
    profit_factor: s.profit_factor === undefined ? 1.1 : s.profit_factor,
    n_trades: 600,
    turnover: 0.1,
    total_return: 0.05,
    exposure: 0.6,
    n_bars: s.n_bars ?? 500,
    sharpe_per_bar: s.sr ?? s.sharpe / 100,
    skew: s.skew === undefined ? -0.5 : s.skew,
    kurtosis: s.kurtosis === undefined ? 5 : s.kurtosis,
    psr: s.psr ?? 0.8,
  };
}

function split(s: Spec, symbols: Record<string, Spec> = {}): SplitMetrics {
  return { ...metrics(s), per_symbol: Object.fromEntries(Object.entries(symbols).map(([k, v]) => [k, metrics(v)])) };
}

let cellNo = 0;
function run(label: string, horizon: number, seed: number, val: Spec, test: Spec, extra: Partial<ReportRun> = {}): ReportRun {
  const id = `${label}-h${horizon}-s${seed}`;
  return {
    model: `fam:${label}`,
    label,
    family: "fam",
    horizon,
    seed,
    cell_id: `cell${++cellNo}`,
    run_id: id,
    status: "finished",
    val: split(val, { BTC: val, ETH: { ...val, f1: val.f1 - 0.05 } }),
    test: split(test, { BTC: test, ETH: test }),
    fit: { fit_s: 100, epochs_run: 10, best_epoch: 7, peak_rss_mb: 900, train_samples: 5000, train_samples_available: 20000 },
    ...extra,
  };
}

function input(runs: ReportRun[], extra: Partial<ReportInput> = {}): ReportInput {
  return {
    experiment: { name: "exp1", description: "Three models" },
    success: { val_f1_macro: 0.35, val_sharpe: 0.3 },
    runs,
    testPredictions: new Map(),
    generated_at: "2026-01-01T00:00:00Z",
    ...extra,
  };
}

describe("buildReport", () => {
  it("chooses the best model on validation even when test says otherwise", () => {
    const runs = [
      run("valwin", 5, 1, { f1: 0.45, sharpe: 0.5 }, { f1: 0.30, sharpe: -1 }),
      run("testwin", 5, 1, { f1: 0.40, sharpe: 2.0 }, { f1: 0.60, sharpe: 5 }),
    ];
    const best = buildReport(input(runs)).horizons[0].best!;
    expect(best.label).toBe("valwin");
    expect(best.val_f1_macro).toBe(0.45);
  });

  it("breaks a tie in mean val macro-F1 by mean val Sharpe", () => {
    const runs = [run("a", 5, 1, { f1: 0.4, sharpe: 0.5 }, { f1: 0.9, sharpe: 9 }), run("b", 5, 1, { f1: 0.4, sharpe: 0.7 }, { f1: 0.1, sharpe: -9 })];
    expect(buildReport(input(runs)).horizons[0].best!.label).toBe("b");
  });

  it("gives mean and sample std over seeds, and leaves failed cells out of them while listing their errors", () => {
    const runs = [
      run("m", 5, 1, { f1: 0.40, sharpe: 1 }, { f1: 0.30, sharpe: 1 }),
      run("m", 5, 2, { f1: 0.42, sharpe: 2 }, { f1: 0.32, sharpe: 2 }),
      run("m", 5, 3, { f1: 0.44, sharpe: 3 }, { f1: 0.34, sharpe: 3 }),
      run("m", 5, 4, { f1: 0.99, sharpe: 99 }, { f1: 0.99, sharpe: 99 }, { status: "failed", error: "Out of memory\n  at fit()" }),
      run("m", 5, 5, { f1: 0.99, sharpe: 99 }, { f1: 0.99, sharpe: 99 }, { status: "running", val: undefined, test: undefined }),
    ];
    const report = buildReport(input(runs));
    const row = report.horizons[0].rows[0];
    expect(row.cells).toEqual({ finished: 3, failed: 1, running: 1, pending: 0, stopped: 0 });
    expect(row.val.f1_macro.mean).toBeCloseTo(0.42, 12);
    expect(row.val.f1_macro.std).toBeCloseTo(0.02, 12);
    expect(row.val.f1_macro.n).toBe(3);
    expect(row.test.sharpe).toMatchObject({ mean: 2, std: 1, n: 3 });
    expect(row.val.f1["0"].mean).toBeCloseTo(0.22, 12);
    expect(row.fit.s_per_epoch).toMatchObject({ mean: 10, std: 0, n: 3 });
    expect(report.horizons[0].failed).toEqual([{
      label: "m",
      model: "fam:m",
      seed: 4,
      cell_id: runs[3].cell_id,
      run_id: "m-h5-s4",
      error: "Out of memory\n  at fit()",
    }]);
    expect(reportMarkdown(report)).toContain("- m seed 4 (cell " + runs[3].cell_id + ", run m-h5-s4): Out of memory");
    // every cell is listed with its status, metrics as given
    expect(report.cells.map((c) => c.status)).toEqual(["finished", "finished", "finished", "failed", "running"]);
    expect(Object.keys(report.cells[0]).sort()).toEqual(["cell_id", "fit", "horizon", "label", "model", "run_id", "seed", "status", "test", "val"]);
    expect(report.cells[0].val).toEqual(runs[0].val);
    expect(report.cells[4]).not.toHaveProperty("val");
  });

  it("marks pass and fail against the bar per horizon, and per label over horizons", () => {
    const runs = [
      run("both", 5, 1, { f1: 0.40, sharpe: 0.5 }, { f1: 0.1, sharpe: 0 }),
      run("both", 20, 1, { f1: 0.30, sharpe: 0.5 }, { f1: 0.1, sharpe: 0 }),
      run("lowsharpe", 5, 1, { f1: 0.40, sharpe: 0.2 }, { f1: 0.9, sharpe: 9 }),
      run("lowsharpe", 20, 1, { f1: 0.36, sharpe: 0.31 }, { f1: 0.9, sharpe: 9 }),
      run("never", 5, 1, { f1: 0.35, sharpe: 0.4 }, { f1: 0.9, sharpe: 9 }), // equal to the bar is not above it
      run("never", 20, 1, { f1: 0.34, sharpe: 0.1 }, { f1: 0.9, sharpe: 9 }),
      run("waiting", 5, 1, { f1: 0, sharpe: 0 }, { f1: 0, sharpe: 0 }, { status: "pending", val: undefined, test: undefined }),
    ];
    const report = buildReport(input(runs));
    const verdict = (h: number, label: string) => report.horizons.find((x) => x.horizon === h)!.rows.find((r) => r.label === label)!.meets_bar;
    expect([verdict(5, "both"), verdict(20, "both"), verdict(5, "lowsharpe"), verdict(20, "lowsharpe"), verdict(5, "never"), verdict(5, "waiting")])
      .toEqual([true, false, false, true, false, null]);
    expect(report.labels.map((l) => [l.label, l.meets_bar_any_horizon, l.horizons_met])).toEqual([
      ["both", true, [5]],
      ["lowsharpe", true, [20]],
      ["never", false, []],
      ["waiting", null, []],
    ]);
    const md = reportMarkdown(report);
    expect(md).toMatch(/\| both \| fam \| ✅ pass \| ❌ fail \| yes \(H5\) \|/);
    expect(md).toMatch(/\| never \| fam \| ❌ fail \| ❌ fail \| no \|/);
  });

  it("deflates the best model's val Sharpe by the configurations compared at its horizon, ensembles included", () => {
    const srs = [0.08, 0.05, 0.02, -0.01];
    const runs = [
      run("a", 5, 1, { f1: 0.50, sharpe: 1, sr: srs[0], skew: -0.7, kurtosis: 6, n_bars: 2000 }, { f1: 0.4, sharpe: 1, psr: 0.77 }),
      run("a", 5, 2, { f1: 0.50, sharpe: 1, sr: 0.5, skew: 3, kurtosis: 30, n_bars: 2000 }, { f1: 0.4, sharpe: 1, psr: 0.11 }),
      run("b", 5, 1, { f1: 0.45, sharpe: 1, sr: srs[1] }, { f1: 0.4, sharpe: 1 }),
      run("c", 5, 1, { f1: 0.40, sharpe: 1, sr: srs[2] }, { f1: 0.4, sharpe: 1 }),
      run("ens", 5, 0, { f1: 0.30, sharpe: 1, sr: srs[3] }, { f1: 0.4, sharpe: 1 }, {
        family: "ensemble",
        ensemble: { kind: "soft_voting", members: ["a-h5-s1", "b-h5-s1"] },
      }),
      run("d", 5, 1, { f1: 0.9, sharpe: 9 }, { f1: 0.9, sharpe: 9 }, { status: "failed", error: "boom" }),
      run("other-horizon", 20, 1, { f1: 0.9, sharpe: 9, sr: 0.9 }, { f1: 0.9, sharpe: 9 }),
    ];
    const h5 = buildReport(input(runs)).horizons[0];
    const best = h5.best!;
    expect(best).toMatchObject({ label: "a", run_id: "a-h5-s1", seed: 1, test_psr: 0.77 });
    const mean = srs.reduce((x, y) => x + y) / 4;
    const variance = srs.reduce((x, y) => x + (y - mean) ** 2, 0) / 3;
    expect(best.dsr.n_trials).toBe(4);
    expect(best.dsr.sr_variance).toBeCloseTo(variance, 15);
    expect(best.dsr.sr_benchmark).toBeCloseTo(expectedMaxSharpe(4, variance), 15);
    expect(best.dsr).toMatchObject({ sr_per_bar: 0.08, skew: -0.7, kurtosis: 6, n_bars: 2000 });
    expect(best.dsr.dsr).toBeCloseTo(deflatedSharpe({ sr: 0.08, t: 2000, skew: -0.7, kurtosis: 6 }, { nTrials: 4, variance }), 12);
    const ens = h5.rows.find((r) => r.label === "ens")!;
    expect(ens).toMatchObject({ family: "ensemble", ensemble: { kind: "soft_voting", members: ["a-h5-s1", "b-h5-s1"] } });
    expect(reportMarkdown(buildReport(input(runs)))).toContain("ens (ensemble: soft voting of 2)");
  });

  it("says why the DSR is missing when the val metrics predate the moments or the moments are undefined", () => {
    const old = run("a", 5, 1, { f1: 0.5, sharpe: 1 }, { f1: 0.4, sharpe: 1 });
    for (const key of ["sharpe_per_bar", "skew", "kurtosis", "psr"] as const) delete (old.val as Partial<SplitMetrics>)[key];
    const dsr = buildReport(input([old])).horizons[0].best!.dsr;
    expect(dsr.dsr).toBeNull();
    expect(dsr.reason).toMatch(/lack sharpe_per_bar/);
    const flat = run("a", 5, 1, { f1: 0.5, sharpe: 0, sr: 0, skew: null, kurtosis: null }, { f1: 0.4, sharpe: 1 });
    expect(buildReport(input([flat])).horizons[0].best!.dsr.reason).toMatch(/undefined/);
  });

  it("compares the labels' test predictions on their shared rows, each label by its first finished seed", () => {
    const preds = (shift: number, n: number, first: number) => {
      const probs = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) probs.set([0.3 + 0.2 * Math.sin(i + shift), 0.2, 0.5 - 0.2 * Math.sin(i * (1 + shift))], i * 3);
      return { time: Float64Array.from({ length: n }, (_, i) => (first + i) * 60_000), symbol: Array.from({ length: n }, () => "BTC"), probs };
    };
    const runs = [
      run("a", 5, 1, { f1: 0.5, sharpe: 1 }, { f1: 0.4, sharpe: 1 }, { status: "failed", error: "x" }),
      run("a", 5, 2, { f1: 0.5, sharpe: 1 }, { f1: 0.4, sharpe: 1 }),
      run("a", 5, 3, { f1: 0.5, sharpe: 1 }, { f1: 0.4, sharpe: 1 }),
      run("b", 5, 1, { f1: 0.4, sharpe: 1 }, { f1: 0.4, sharpe: 1 }),
      run("c", 5, 1, { f1: 0.3, sharpe: 1 }, { f1: 0.4, sharpe: 1 }),
    ];
    const testPredictions = new Map([["a-h5-s2", preds(0, 50, 0)], ["a-h5-s3", preds(5, 50, 0)], ["b-h5-s1", preds(1, 40, 10)]]);
    const d = buildReport(input(runs, { testPredictions })).horizons[0].diversity!;
    expect(d).toMatchObject({ labels: ["a", "b"], run_ids: ["a-h5-s2", "b-h5-s1"], seeds: [2, 1], missing: ["c"], n_shared: 40 });
    const direct = predictionDiversity([testPredictions.get("a-h5-s2")!, testPredictions.get("b-h5-s1")!]);
    expect(d.correlation).toEqual(direct.correlation);
    expect(d.agreement).toEqual(direct.agreement);
    const md = reportMarkdown(buildReport(input(runs, { testPredictions })));
    expect(md).toContain("40 test rows shared by every model");
    expect(md).toContain("Without test predictions: c.");
  });

  it("tabulates the best label's per-symbol val and test metrics", () => {
    const runs = [run("a", 5, 1, { f1: 0.5, sharpe: 1.5 }, { f1: 0.4, sharpe: -0.5 }), run("b", 5, 1, { f1: 0.3, sharpe: 1 }, { f1: 0.4, sharpe: 1 })];
    const t = buildReport(input(runs)).horizons[0].per_symbol!;
    expect(t).toMatchObject({ label: "a", run_id: "a-h5-s1", seed: 1 });
    expect(t.rows.map((r) => r.symbol)).toEqual(["BTC", "ETH"]);
    expect(t.rows[1].val).toEqual({ f1_macro: 0.45, sharpe: 1.5, n_trades: 600, win_rate: 0.5 });
    expect(t.rows[1].test!.sharpe).toBe(-0.5);
  });

  it("is JSON-safe: non-finite numbers become null, and a JSON round trip gives the same object", () => {
    const runs = [
      run("a", 5, 1, { f1: 0.5, sharpe: 1, profit_factor: Infinity }, { f1: 0.4, sharpe: 1, psr: NaN }),
      run("a", 5, 2, { f1: 0.5, sharpe: 1 }, { f1: 0.4, sharpe: 1 }),
      run("b", 5, 1, { f1: 0.4, sharpe: 1, skew: null, kurtosis: null }, { f1: 0.4, sharpe: 1 }),
    ];
    (runs[0].val as { accuracy: number }).accuracy = NaN;
    const report = buildReport(input(runs, { wall_s: Infinity }));
    expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
    const walk = (v: unknown): void => {
      if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
      else if (v && typeof v === "object") {
        expect(ArrayBuffer.isView(v)).toBe(false);
        Object.values(v).forEach(walk);
      }
    };
    walk(report);
    expect(report.cells[0].val!.profit_factor).toBeNull();
    expect(report.wall_s).toBeNull();
    // profit factor: a run without losses has no finite value and is left out of the mean
    expect(report.horizons[0].rows[0].val.profit_factor).toEqual({ mean: 1.1, std: null, n: 1 });
  });
});

describe("reportMarkdown", () => {
  it("names every label and horizon, the bar, the best model, and formats numbers", () => {
    const runs = [
      run("gbdt", 5, 1, { f1: 0.41234, sharpe: 1.23456 }, { f1: 0.39, sharpe: 0.8 }),
      run("gbdt", 5, 2, { f1: 0.43234, sharpe: 1.43456 }, { f1: 0.40, sharpe: 0.9 }),
      run("lstm-60", 5, 1, { f1: 0.38, sharpe: 0.1 }, { f1: 0.37, sharpe: 0.2 }),
      run("gbdt", 20, 1, { f1: 0.33, sharpe: 0.5 }, { f1: 0.32, sharpe: 0.4 }),
      run("mlp", 20, 1, { f1: 0.36, sharpe: 0.6 }, { f1: 0.35, sharpe: 0.5 }),
    ];
    const md = reportMarkdown(buildReport(input(runs, { wall_s: 3725, notes: ["Sequence models trained on every 4th sample end."] })));
    expect(md.startsWith("# Experiment exp1\n\nThree models\n")).toBe(true);
    for (const label of ["gbdt", "lstm-60", "mlp"]) expect(md).toContain(`| ${label} |`);
    expect(md).toContain("## Horizon 5");
    expect(md).toContain("## Horizon 20");
    expect(md).toContain("wall time 1 h 02 min");
    expect(md).toContain("- Sequence models trained on every 4th sample end.");
    expect(md).toContain("macro-F1 > 0.35 and Sharpe > 0.3");
    // mean ± std for two seeds, 3 decimals for F1 and 2 for Sharpe; a single seed shows the value alone
    expect(md).toContain("| gbdt | fam | 2/2 | 0.422 ± 0.014 |");
    expect(md).toContain("| gbdt | 1.33 ± 0.14 |");
    expect(md).toContain("| lstm-60 | fam | 1/1 | 0.380 | 0.370 |");
    expect(md).toContain("**gbdt** (fam:gbdt): val macro-F1 0.422");
    expect(md).toContain("**mlp** (fam:mlp)");
    expect(md).toContain("Deflated Sharpe ratio (validation): 0.");
    // best epoch 7 counted from 0 in run.json is the 8th epoch, as mf train and mf runs say it
    expect(md).toContain("| lstm-60 | 100.0 | 10.00 | 900 | 10 | 8 |");
    expect(md).toContain("### Per symbol: gbdt (run gbdt-h5-s1, seed 1)");
  });
});
