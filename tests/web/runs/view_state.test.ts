import { describe, expect, it } from "vitest";
import { parseRoute, readTableView, routeHash, type TableView, writeTableView } from "../../../web/runs/view_state.ts";

describe("parseRoute and routeHash", () => {
  it("tell the app's and the viewer's pages apart", () => {
    expect(parseRoute("")).toMatchObject({ page: "home", ids: [] });
    expect(parseRoute("#/")).toMatchObject({ page: "home", ids: [] });
    expect(parseRoute("#/runs")).toMatchObject({ page: "runs", ids: [] });
    expect(parseRoute("#/runs?sort=-test.sharpe").query.get("sort")).toBe("-test.sharpe");
    expect(parseRoute("#/runs/20250101-a")).toMatchObject({ page: "run", ids: ["20250101-a"] });
    expect(parseRoute("#/compare/a,b%2Cc?curve=val_loss")).toMatchObject({ page: "compare", ids: ["a", "b,c"] });
    expect(parseRoute("#/predict")).toMatchObject({ page: "predict" });
    expect(parseRoute("#/experiments")).toMatchObject({ page: "experiments", ids: [] });
    expect(parseRoute("#/experiments/base.line-2")).toMatchObject({ page: "experiment", ids: ["base.line-2"] });
    expect(parseRoute("#/nonsense/x")).toMatchObject({ page: "home" });
  });

  it("round-trip ids with commas, slashes, spaces and markup, and the query", () => {
    const ids = ["a,b", "c/d e", "<img src=x onerror=alert(1)>", "ü?#&"];
    const compare = routeHash({ page: "compare", ids, query: new URLSearchParams({ curve: "val_accuracy" }) });
    expect(compare).toMatch(/^#\/compare\/[^?#/]+\?curve=val_accuracy$/);
    expect(parseRoute(compare)).toMatchObject({ page: "compare", ids });
    expect(parseRoute(compare).query.get("curve")).toBe("val_accuracy");
    for (const id of ids) expect(parseRoute(routeHash({ page: "run", ids: [id], query: new URLSearchParams() }))).toMatchObject({ page: "run", ids: [id] });
    expect(routeHash({ page: "runs", ids: [], query: new URLSearchParams() })).toBe("#/runs");
    for (const name of ids) {
      expect(parseRoute(routeHash({ page: "experiment", ids: [name], query: new URLSearchParams() }))).toMatchObject({ page: "experiment", ids: [name] });
    }
    expect(routeHash({ page: "experiments", ids: [], query: new URLSearchParams() })).toBe("#/experiments");
  });
});

describe("readTableView and writeTableView", () => {
  it("round-trip every part of a view through a hash", () => {
    const view: TableView = {
      sort: { key: "params.learning_rate", descending: false },
      filters: { model: "neural:lstm", horizon: "20", status: "finished", text: "units=64 & more" },
      columns: ["model", "test.sharpe", "params.units"],
      selected: ["run,1", "run 2"],
      metric: "test.max_drawdown",
    };
    const hash = routeHash({ page: "runs", ids: [], query: writeTableView(view) });
    expect(readTableView(parseRoute(hash).query)).toEqual(view);
  });

  it("leave defaults out, so a fresh table has a bare hash, and keep 'no optional columns' apart from 'default columns'", () => {
    expect(writeTableView(readTableView(new URLSearchParams())).toString()).toBe("");
    expect(readTableView(new URLSearchParams())).toEqual({
      sort: { key: "id", descending: true },
      filters: {},
      columns: undefined,
      selected: [],
      metric: undefined,
    });
    const none = writeTableView({ ...readTableView(new URLSearchParams()), columns: [] });
    expect(none.toString()).toBe("cols=");
    expect(readTableView(none).columns).toEqual([]);
  });
});
