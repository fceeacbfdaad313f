import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { BUNDLE_FILE } from "../../core/bundle/format.ts";
import type { RegistryStore } from "../../core/model_registry/store.ts";
import type { RunStore } from "../../core/platform.ts";
import type { JournalStore } from "../../core/tune/journal.ts";
import { shared } from "../styles.ts";
import { exportBundle, exportRuns, importBundle, type ImportResult, importRuns, viewerPage } from "./bundle.ts";

/** The File System Access entry point (Chromium); absent from the DOM types and from other browsers. */
type DirectoryPicker = (options: { mode: "readwrite"; id?: string }) => Promise<FileSystemDirectoryHandle>;

/**
 * Moving runs in and out: the selected runs as a bundle file or a one-file viewer page (both read by
 * `mf import` and by this app), or into a folder in the CLI's layout; runs in from a bundle, a viewer
 * page or a runs folder. Fires `imported`.
 */
@customElement("mf-run-transfer")
export class RunTransfer extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor store: RunStore | undefined;
  @property({ attribute: false })
  accessor picked: string[] = [];
  /** The experiments store (keyed by experiment name): downloads carry the picked runs' experiments, imports bring a bundle's in. */
  @property({ attribute: false })
  accessor experiments: RunStore | undefined;
  /** The model registry: downloads carry it whole, imports bring a bundle's registered models in. */
  @property({ attribute: false })
  accessor modelRegistry: RegistryStore | undefined;
  /** The tuning studies' journals: downloads carry the picked runs' studies, imports bring a bundle's in. */
  @property({ attribute: false })
  accessor journals: JournalStore | undefined;
  @state()
  accessor message = "";
  @state()
  accessor problems: string[] = [];
  @state()
  accessor busy = false;

  override render() {
    const picker = (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
    const none = !this.picked.length || this.busy;
    return html`
      <div class="row">
        <button @click=${() => this.download("bundle")} ?disabled=${none}>Download selected (${this.picked.length}) as a bundle</button>
        <button @click=${() => this.download("page")} ?disabled=${none}>Download selected (${this.picked.length}) as a viewer page</button>
        <button @click=${this.export} ?disabled=${none || !picker} title=${picker
          ? ""
          : "This browser cannot write folders; use Chromium"}>Export selected (${this.picked.length}) to a folder</button>
      </div>
            <div class="row">
        <label for="import-bundle">Import a bundle or viewer page</label>
        <input id="import-bundle" type="file" accept=${`.mfbundle,.html,${BUNDLE_FILE}`} @change=${this.importFile} />
        <label for="import">Import runs from a folder</label>
        <input id="import" type="file" webkitdirectory @change=${this.import} />
      </div>
            ${this.message ? html`<p role="status">${this.message}</p>` : ""}
            ${this.problems.length ? html`<ul class="error" aria-label="Import problems">${this.problems.map((p) => html`<li>${p}</li>`)}</ul>` : ""}
    `;
  }

  /** Saves the selected runs as a bundle, or as the viewer page with the bundle inside. */
  private async download(kind: "bundle" | "page") {
    this.busy = true;
    this.problems = [];
    try {
      const damaged: string[] = [], studies: string[] = [];
      const bundle = await exportBundle(this.store!, this.picked, {
        experiments: this.experiments,
        registry: this.modelRegistry,
        studies: this.journals,
        onDamaged: (problem) => damaged.push(`left out (damaged): ${problem}`),
        onStudyLeftOut: (problem) => studies.push(problem),
      });
      const [blob, name] = kind === "bundle"
        ? [new Blob([bundle as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }), `model-factory-runs.mfbundle`]
        : [new Blob([await viewerPage(bundle)], { type: "text/html" }), `model-factory-runs.html`];
      const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      this.problems = [...damaged, ...studies];
      this.message = `Saved ${this.picked.length - damaged.length} run(s) as ${name} (${Math.ceil(blob.size / 1e3)} kB): ${
        kind === "bundle" ? "mf import or this app's import read it" : "it opens in any browser, no server needed"
      }.`;
    } catch (error) {
      this.message = "";
      this.problems = [`Export failed: ${(error as Error).message}`];
    } finally {
      this.busy = false;
    }
  }

  private async export() {
    const picker = (window as unknown as { showDirectoryPicker: DirectoryPicker }).showDirectoryPicker;
    this.problems = [];
    try {
      const folder = await picker({ mode: "readwrite", id: "model-factory-runs" });
      const files = await exportRuns(this.store!, this.picked, folder);
      this.message =
        `Exported ${this.picked.length} run(s), ${files} files, to ${folder.name}/: the CLI reads them with mf predict --run ${folder.name}/<run id>.`;
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      this.message = "";
      this.problems = [`Export failed: ${(error as Error).message}`];
    }
  }

  private importFile(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (file) return this.report(importBundle(this.store!, file, { experiments: this.experiments, registry: this.modelRegistry, studies: this.journals }));
  }

  private import(event: Event) {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = "";
    if (files.length) return this.report(importRuns(this.store!, files));
  }

  private async report(work: Promise<ImportResult>) {
    try {
      const { imported, skipped, experiments, registry, studies } = await work;
      const xp = experiments
        ? ` Experiments: imported ${experiments.imported.length}${
          experiments.imported.length ? ` (${experiments.imported.join(", ")})` : ""
        }, already here ${experiments.identical.length}, skipped ${experiments.skipped.length}.`
        : "";
      const reg = registry
        ? ` Registered models: imported ${registry.imported.length}${
          registry.imported.length ? ` (${registry.imported.join(", ")})` : ""
        }, already here ${registry.identical.length}, skipped ${registry.skipped.length}.`
        : "";
      const st = studies
        ? ` Studies: imported ${studies.imported.length}${
          studies.imported.length ? ` (${studies.imported.join(", ")})` : ""
        }, extended ${studies.extended.length}${
          studies.extended.length ? ` (${studies.extended.join(", ")})` : ""
        }, already here ${studies.identical.length}, kept ${studies.skipped.length}.`
        : "";
      this.message = `Imported ${imported.length} run(s)${imported.length ? `: ${imported.join(", ")}` : ""}.${xp}${reg}${st}`;
      this.problems = [
        ...skipped,
        ...(experiments?.skipped ?? []),
        ...(registry?.skipped ?? []),
        ...(studies?.skipped.map((s) => `study ${s}`) ?? []),
        ...(studies?.damaged.map((d) => `study not imported (does not replay): ${d}`) ?? []),
      ];
      this.dispatchEvent(new CustomEvent("imported", { detail: imported }));
    } catch (error) {
      this.message = "";
      this.problems = [`Import failed: ${(error as Error).message}`];
    }
  }
}
