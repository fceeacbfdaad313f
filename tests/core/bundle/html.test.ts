import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../../core/bundle/base64.ts";
import { bundleBytes, embedBundle } from "../../../core/bundle/html.ts";
import { DataError } from "../../../core/errors.ts";

const viewer =
  '<!doctype html><html><head><script type="module">const id = "mf-bundle"; // id="mf-bundle"\n</script></head><body><mf-viewer></mf-viewer><!-- mf-bundle --></body></html>';

describe("base64", () => {
  it("round-trips every length and agrees with the platform's encoder", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 255);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it("rejects text that is not base64, naming where", () => {
    expect(() => decodeBase64("abc", "the bundle")).toThrow("the bundle is not base64: its length 3 is not a multiple of 4");
    expect(() => decodeBase64("ab*d", "the bundle")).toThrow('the bundle is not base64: character "*" at 2');
  });
});

describe("a bundle in the viewer page", () => {
  it("is put at the marker, gzipped, and read back from the page or from bare bundle bytes", async () => {
    const bundle = new TextEncoder().encode("MFBUNDLE" + "x".repeat(5000));
    const page = await embedBundle(viewer, bundle);
    expect(page).not.toContain("<!-- mf-bundle -->");
    expect(page).toMatch(/<script type="application\/octet-stream" id="mf-bundle" data-encoding="gzip\+base64">[A-Za-z0-9+/=]+<\/script><\/body>/);
    expect(page.length).toBeLessThan(viewer.length + 1000); // 5 kB of x gzip to almost nothing
    expect(await bundleBytes(new TextEncoder().encode(page), "runs.html")).toEqual(bundle);
    expect(await bundleBytes(bundle, "runs.mfbundle")).toBe(bundle);
  });

  it("is refused when the page has no marker, or the file holds no bundle", async () => {
    await expect(embedBundle("<html></html>", new Uint8Array(8))).rejects.toThrow(/has no "<!-- mf-bundle -->" marker/);
    await expect(bundleBytes(new TextEncoder().encode(viewer), "index.html")).rejects.toThrow(
      'index.html is neither a Model Factory bundle (it does not start with "MFBUNDLE") nor a viewer page with a bundle in it (no <script id="mf-bundle">)',
    );
    const broken = viewer.replace("<!-- mf-bundle -->", '<script type="application/octet-stream" id="mf-bundle" data-encoding="gzip+base64">AAAA</script>');
    await expect(bundleBytes(new TextEncoder().encode(broken), "runs.html")).rejects.toThrow(DataError);
    await expect(bundleBytes(new TextEncoder().encode(broken), "runs.html")).rejects.toThrow(/^runs\.html: the embedded bundle is not valid gzip/);
  });
});
