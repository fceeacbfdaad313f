import { describe, expect, it } from "vitest";
import { parseRegistryRoute, registryHash } from "../../../web/registry/route.ts";

describe("registry routes", () => {
  it("parses the list and one model's page, and nothing else", () => {
    expect(parseRegistryRoute("#/registry")).toEqual({});
    expect(parseRegistryRoute("#/registry/")).toEqual({});
    expect(parseRegistryRoute("#/registry/btc-h5.v2?x=1")).toEqual({ name: "btc-h5.v2" });
    for (const hash of ["", "#/", "#/runs", "#/registryx", "#/registry/a/b"]) expect(parseRegistryRoute(hash)).toBeUndefined();
  });

  it("round-trips a name through its hash", () => {
    expect(registryHash()).toBe("#/registry");
    expect(registryHash("btc-h5")).toBe("#/registry/btc-h5");
    expect(parseRegistryRoute(registryHash("a_b-1.2"))).toEqual({ name: "a_b-1.2" });
  });
});
