/**
 * Where the run views are, as a URL hash: `#/runs?...`, `#/runs/<id>`, `#/compare/<id>,<id>?...`, and
 * the experiments: `#/experiments`, `#/experiments/<name>` (a report). The query holds what a person
 * chose (sort, filters, columns, selected runs, metric) so a link reopens it.
 */

/** A page of the app or the viewer, its run ids, and its view query. */
export interface Route {
  page: "home" | "runs" | "run" | "compare" | "predict" | "experiments" | "experiment";
  /** One run id on a run page, the compared ids on a comparison, the experiment's name on its report. */
  ids: string[];
  query: URLSearchParams;
}

/** The runs table's view: sort, filters, shown columns, ticked runs and the metric of the parameter plot. */
export interface TableView {
  sort: { key: string; descending: boolean };
  /** Exact model, horizon and status; `text` matches any part of a run's id, model, status, backend or settings. */
  filters: { model?: string; horizon?: string; status?: string; text?: string };
  /** Chosen columns in order; undefined means the default set. */
  columns?: string[];
  selected: string[];
  /** The column the parallel-coordinates plot colours lines by. */
  metric?: string;
}

/** Newest run first (ids start with their creation time). */
export const DEFAULT_SORT = { key: "id", descending: true };
const FILTER_KEYS = ["model", "horizon", "status", "text"] as const;

/** Parses `location.hash`; anything unknown is the home page. */
export function parseRoute(hash: string): Route {
  const [path, search = ""] = hash.replace(/^#/, "").split(/\?(.*)/s);
  const query = new URLSearchParams(search);
  const [, first = "", rest = ""] = /^\/([^/]*)\/?(.*)$/s.exec(path) ?? [];
  const ids = rest ? rest.split(",").map(decodeURIComponent) : [];
  if (first === "runs") return { page: ids.length ? "run" : "runs", ids: ids.length ? [decodeURIComponent(rest)] : [], query };
  if (first === "compare") return { page: "compare", ids, query };
  if (first === "experiments") return { page: ids.length ? "experiment" : "experiments", ids: ids.length ? [decodeURIComponent(rest)] : [], query };
  if (first === "predict") return { page: "predict", ids: [], query };
  return { page: "home", ids: [], query };
}

/** The hash of a route: ids escaped one by one, the query appended when it has anything. */
export function routeHash(route: Route): string {
  const path = route.page === "run"
    ? `runs/${encodeURIComponent(route.ids[0])}`
    : route.page === "compare"
    ? `compare/${route.ids.map(encodeURIComponent).join(",")}`
    : route.page === "experiment"
    ? `experiments/${encodeURIComponent(route.ids[0])}`
    : route.page === "home"
    ? ""
    : route.page;
  const query = route.query.toString();
  return `#/${path}${query ? `?${query}` : ""}`;
}

/** The table view a query describes (defaults for whatever it leaves out). */
export function readTableView(query: URLSearchParams): TableView {
  const sort = query.get("sort");
  const filters: TableView["filters"] = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  return {
    sort: sort ? { key: sort.replace(/^-/, ""), descending: sort.startsWith("-") } : DEFAULT_SORT,
    filters,
    columns: query.has("cols") ? query.getAll("cols").filter(Boolean) : undefined,
    selected: query.getAll("sel"),
    metric: query.get("metric") ?? undefined,
  };
}

/** The query of a table view, leaving out defaults so that links stay short. */
export function writeTableView(view: TableView): URLSearchParams {
  const query = new URLSearchParams();
  if (view.sort.key !== DEFAULT_SORT.key || view.sort.descending !== DEFAULT_SORT.descending) {
    query.set("sort", `${view.sort.descending ? "-" : ""}${view.sort.key}`);
  }
  for (const key of FILTER_KEYS) if (view.filters[key]) query.set(key, view.filters[key]!);
  // an empty `cols=` keeps "no optional columns" apart from "the default columns"
  if (view.columns) view.columns.length ? view.columns.forEach((c) => query.append("cols", c)) : query.set("cols", "");
  for (const id of view.selected) query.append("sel", id);
  if (view.metric) query.set("metric", view.metric);
  return query;
}
