import { describe, expect, it } from "vitest";
import { parseTuneRoute, studyHash } from "../../../web/studies/route.ts";

describe("parseTuneRoute", () => {
  it("tells the Tune page from a study's page and from other pages", () => {
    expect(parseTuneRoute("#/tune")).toEqual({});
    expect(parseTuneRoute("#/tune/")).toEqual({});
    expect(parseTuneRoute(studyHash("logistic-h5"))).toEqual({ name: "logistic-h5" });
    expect(parseTuneRoute(`${studyHash("a b")}?x=1`)).toEqual({ name: "a b" });
    expect(parseTuneRoute("#/tuned")).toBeUndefined();
    expect(parseTuneRoute("#/runs")).toBeUndefined();
  });
});
