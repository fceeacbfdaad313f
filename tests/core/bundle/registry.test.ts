import { describe, expect, it } from "vitest";
import { packBundle } from "../../../core/bundle/container.ts";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleRegistryReader } from "../../../core/bundle/registry.ts";
import { DataError } from "../../../core/errors.ts";
import { MemoryRegistryStore } from "../../../core/model_registry/memory_store.ts";
import { registerRun } from "../../../core/model_registry/register.ts";
import { twoRuns } from "../model_registry/fixtures.ts";

/** Runs a and b, and a registry with "alpha" (two versions, champion) and "beta". */
async function setup() {
  const runs = await twoRuns(), registry = new MemoryRegistryStore();
  await registerRun(registry, runs, "run-a", { name: "alpha", aliases: ["champion"], createdBy: "test" });
  await registerRun(registry, runs, "run-b", { name: "alpha", createdBy: "test" });
  await registerRun(registry, runs, "run-b", { name: "beta", createdBy: "test" });
  return { runs, registry };
}

/** The header and sections of a bundle, for building broken ones. */
function open(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const sections: Record<string, Uint8Array> = Object.fromEntries(
    Object.entries(header.sections as Record<string, { offset: number; length: number }>).map((
      [name, s],
    ) => [name, bytes.slice(s.offset, s.offset + s.length)]),
  );
  delete header.sections;
  return { header, sections };
}

describe("the registry in a bundle", () => {
  it("carries every file of each registered model byte for byte, listed in the header, read back by BundleRegistryReader", async () => {
    const { runs, registry } = await setup();
    const seen: string[] = [];
    const bytes = await encodeBundle(runs, ["run-a"], {
      createdBy: "test",
      registry: { reader: registry, names: ["beta", "alpha"], onModel: (name) => seen.push(name) },
    });
    expect(seen).toEqual(["alpha", "beta"]);
    const bundle = decodeBundle(bytes, "runs.mfbundle");
    expect(bundle.header.registry!.map((m) => m.name)).toEqual(["alpha", "beta"]);
    expect(bundle.header.registry![0].files).toEqual(await registry.files("alpha"));
    const reader = new BundleRegistryReader(bundle);
    expect(await reader.list()).toEqual(["alpha", "beta"]);
    for (const name of ["alpha", "beta"]) {
      for (const path of await registry.files(name)) expect(await reader.read(name, path), `${name}/${path}`).toEqual(await registry.read(name, path));
    }
    expect(reader.location("alpha")).toBe("runs.mfbundle#registry/alpha");
    await expect(reader.read("gamma", "registered_model.json")).rejects.toThrow("No registered model gamma in runs.mfbundle");
  });

  it("is absent from a bundle without registered models, which stays what version 1 always was", async () => {
    const { runs, registry } = await setup();
    const plain = await encodeBundle(runs, ["run-a"], { createdBy: "test", now: 0 });
    const empty = await encodeBundle(runs, ["run-a"], { createdBy: "test", now: 0, registry: { reader: registry, names: [] } });
    // the same header and sections as a writer from before the registry made (the Arrow bytes themselves are not deterministic)
    expect(open(empty).header).toEqual(open(plain).header);
    expect(Object.keys(open(empty).sections)).toEqual(["files", "epochs", "equity"]);
    const bundle = decodeBundle(plain);
    expect(bundle.header.registry).toBeUndefined();
    expect(bundle.header.sections.registry).toBeUndefined();
    expect(await new BundleRegistryReader(bundle).list()).toEqual([]);
  });

  it("is checked on reading: a listed file the section lacks, a model without its record, a section without a header entry", async () => {
    const { runs, registry } = await setup();
    const { header, sections } = open(await encodeBundle(runs, ["run-a"], { createdBy: "test", registry: { reader: registry, names: ["alpha"] } }));
    const broken = (edit: (h: typeof header, s: typeof sections) => void) => {
      const h = structuredClone(header), s = { ...sections };
      edit(h, s);
      return () => decodeBundle(packBundle(h, s), "b.mfbundle");
    };
    expect(broken((h) => h.registry[0].files.push("versions/9/version.json"))).toThrow(
      "b.mfbundle: model alpha lists versions/9/version.json, but the registry section does not hold it",
    );
    expect(broken((h) => (h.registry[0].files = h.registry[0].files.filter((p: string) => p !== "registered_model.json")))).toThrow(
      "model alpha has no registered_model.json in its file list",
    );
    expect(broken((h) => delete h.registry)).toThrow(/section registry holds alpha\/.*, which the header does not list/);
    expect(broken((_h, s) => delete s.registry)).toThrow("the header lists 1 model(s) but the bundle has no registry section");
    expect(broken((h) => (h.registry[0].name = "../x"))).toThrow(DataError);
  });
});
