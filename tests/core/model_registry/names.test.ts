import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { checkModelName, parseModelRef } from "../../../core/model_registry/names.ts";

describe("parseModelRef", () => {
  it("reads NAME, NAME@ALIAS and NAME/VERSION", () => {
    expect(parseModelRef("btc-h5")).toEqual({ name: "btc-h5" });
    expect(parseModelRef("btc-h5@champion")).toEqual({ name: "btc-h5", alias: "champion" });
    expect(parseModelRef("btc.v2_x/12")).toEqual({ name: "btc.v2_x", version: 12 });
  });

  it("refuses a bare NAME where a version is needed, saying what to add", () => {
    expect(() => parseModelRef("btc-h5", { needVersion: true })).toThrow("give btc-h5@ALIAS or btc-h5/VERSION");
  });

  it("refuses versions that are not whole numbers from 1, and both @ and /", () => {
    for (const bad of ["m/0", "m/1.5", "m/x", "m/", "m@a/1"]) expect(() => parseModelRef(bad), bad).toThrow(ConfigError);
  });

  it("refuses names a folder cannot hold, giving the allowed set", () => {
    for (const bad of ["", ".x", "a b", "a\\b", "ü", "x".repeat(101)]) {
      expect(() => checkModelName(bad), bad).toThrow("a name holds up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    expect(checkModelName("A1.b_c-d")).toBe("A1.b_c-d");
  });
});
