// Entry point of the static viewer: finds the bundle (in the page for a single-file export, else
// runs.mfbundle beside the page), decodes it and hands a BundleRunReader (and its experiments, registered
// models and tuning studies) to <mf-viewer>.
import { decodeBundle } from "../../core/bundle/decode.ts";
import { BundleExperimentReader } from "../../core/bundle/experiments.ts";
import { BUNDLE_FILE } from "../../core/bundle/format.ts";
import { BUNDLE_ELEMENT_ID, unembedBundle } from "../../core/bundle/html.ts";
import { BundleRunReader } from "../../core/bundle/reader.ts";
import { BundleRegistryReader } from "../../core/bundle/registry.ts";
import { BundleStudyReader } from "../../core/bundle/studies.ts";
import type { Viewer } from "./viewer.ts";
import "./viewer.ts";

/** The bundle's bytes and what to call it in messages. */
async function findBundle(): Promise<{ bytes: Uint8Array; name: string }> {
  const embedded = document.getElementById(BUNDLE_ELEMENT_ID);
  const page = decodeURIComponent(location.pathname.split("/").at(-1) || "index.html");
  if (embedded) return { bytes: await unembedBundle(embedded.textContent ?? "", embedded.dataset.encoding ?? "base64", page), name: page };
  let response: Response;
  try {
    response = await fetch(new URL(BUNDLE_FILE, location.href));
  } catch (error) {
    if (location.protocol === "file:") {
      throw new Error(
        `This page reads its runs from ${BUNDLE_FILE} beside it, which a browser does not allow a page opened from a file to do. Serve the folder (for example python3 -m http.server), or export one self-contained file with mf export --single-file.`,
      );
    }
    throw new Error(`Cannot read ${BUNDLE_FILE}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`Cannot read ${BUNDLE_FILE} beside this page: the server answered ${response.status} ${response.statusText}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), name: BUNDLE_FILE };
}

const viewer = document.querySelector<Viewer>("mf-viewer")!;
try {
  const { bytes, name } = await findBundle();
  const bundle = decodeBundle(bytes, name);
  const reader = new BundleRunReader(bundle);
  performance.mark("mf-bundle-decoded");
  if (reader.header.title) document.title = `${reader.header.title} · Model Factory runs`;
  viewer.experiments = new BundleExperimentReader(bundle);
  viewer.modelRegistry = new BundleRegistryReader(bundle);
  viewer.studies = new BundleStudyReader(bundle);
  viewer.reader = reader;
} catch (error) {
  viewer.failure = (error as Error).message;
}
