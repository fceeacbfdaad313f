import { html, type TemplateResult } from "lit";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import type { RunReader, RunStore } from "../../core/platform.ts";
import { type Route, routeHash } from "./view_state.ts";
import "./compare_page.ts";
import "./run_page.ts";
import "./runs_table.ts";
import type { PredictionsCsv } from "./prediction_paths.ts";

/** What the run pages need from the page that shows them (the app or the static viewer). */
export interface RunViewsOptions {
  reader: RunReader;
  /** The writable store behind `reader`: its run pages get Delete. */
  store?: RunStore;
  /** The model registry: finished runs' pages get Register (the app only). */
  modelRegistry?: RegistryStore;
  /** The app: run pages offer Predict and Train again, which lead to its pages (the viewer has neither). */
  app?: boolean;
  /** Stored predictions as CSV (the app's; the viewer offers Parquet only, so it loads no Parquet reader). */
  predictionsCsv?: PredictionsCsv;
  /** The runs table's hash as a person left it, for "all runs" links. */
  runsHash: string;
  /** What an empty runs table says. */
  empty?: string;
  /** Ticked runs, as they change. */
  onPicked?(ids: string[]): void;
  /** Shown right under the runs table (the app's export and import). */
  actions?: TemplateResult;
}

/** The run pages shared by the app and the viewer: the runs table, one run, or a comparison; empty for any other route. */
export function runViews(route: Route, o: RunViewsOptions): TemplateResult | "" {
  const keep = (e: CustomEvent<URLSearchParams>) => history.replaceState(history.state, "", routeHash({ ...route, query: e.detail }));
  if (route.page === "runs") {
    return html`
      <mf-runs-table .reader=${o.reader} .query=${route.query} empty=${o.empty ?? "No runs yet."} @query=${keep}
        @picked=${(e: CustomEvent<string[]>) => o.onPicked?.(e.detail)}>${o.actions ?? ""}</mf-runs-table>
    `;
  }
  if (route.page === "run") {
    return html`
      <mf-run-page .reader=${o.reader} .store=${o.store} .modelRegistry=${o.modelRegistry} runId=${route.ids[0]} back=${o.runsHash} ?app=${o.app ?? false}
        .toCsv=${o.predictionsCsv}></mf-run-page>
    `;
  }
  if (route.page === "compare") {
    return html`<mf-compare-page .reader=${o.reader} .runIds=${route.ids} curve=${
      route.query.get("curve") ?? "val_loss"
    } back=${o.runsHash} @query=${keep}></mf-compare-page>`;
  }
  return "";
}
