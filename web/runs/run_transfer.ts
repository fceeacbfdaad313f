import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { RunStore } from "../../core/platform.ts";
import { shared } from "../styles.ts";
import { exportRuns, importRuns } from "./bundle.ts";

/** The File System Access entry point (Chromium); absent from the DOM types and from other browsers. */
type DirectoryPicker = (options: { mode: "readwrite"; id?: string }) => Promise<FileSystemDirectoryHandle>;

/** Export the selected runs into a folder in the CLI's layout; import a runs folder written by the CLI or by an export. Fires `imported`. */
@customElement("mf-run-transfer")
export class RunTransfer extends LitElement {
  static override styles = shared;

  @property({ attribute: false }) accessor store: RunStore | undefined;
  @property({ attribute: false }) accessor picked: string[] = [];
  @state() accessor message = "";
  @state() accessor problems: string[] = [];

  override render() {
    const picker = (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
    return html`<div class="row">
        <button @click=${this.export} ?disabled=${!this.picked.length || !picker} title=${picker ? "" : "This browser cannot write folders; use Chromium"}>Export selected (${this.picked.length}) to a folder</button>
        <label for="import">Import runs from a folder</label>
        <input id="import" type="file" webkitdirectory @change=${this.import} />
      </div>
      ${this.message ? html`<p role="status">${this.message}</p>` : ""}
      ${this.problems.length ? html`<ul class="error" aria-label="Import problems">${this.problems.map((p) => html`<li>${p}</li>`)}</ul>` : ""}`;
  }

  private async export() {
    const picker = (window as unknown as { showDirectoryPicker: DirectoryPicker }).showDirectoryPicker;
    this.problems = [];
    try {
      const folder = await picker({ mode: "readwrite", id: "model-factory-runs" });
      const files = await exportRuns(this.store!, this.picked, folder);
      this.message = `Exported ${this.picked.length} run(s), ${files} files, to ${folder.name}/: the CLI reads them with mf predict --run ${folder.name}/<run id>.`;
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      this.message = "";
      this.problems = [`Export failed: ${(error as Error).message}`];
    }
  }

  private async import(event: Event) {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = "";
    if (!files.length) return;
    try {
      const { imported, skipped } = await importRuns(this.store!, files);
      this.message = `Imported ${imported.length} run(s)${imported.length ? `: ${imported.join(", ")}` : ""}.`;
      this.problems = skipped;
      this.dispatchEvent(new CustomEvent("imported", { detail: imported }));
    } catch (error) {
      this.message = "";
      this.problems = [`Import failed: ${(error as Error).message}`];
    }
  }
}
