import { css, html, LitElement } from "lit";
import { customElement, state } from "lit/decorators.js";
import { shared } from "../styles.ts";
import { splitOf } from "./split_names.ts";

/** Files chosen so far, by split. */
export type ChosenFiles = Partial<Record<"train" | "val" | "test", File>>;

/** Picks the three split files by file input or drag and drop; fires `files` with each split's File. Nothing is uploaded. */
@customElement("mf-data-picker")
export class DataPicker extends LitElement {
  static override styles = [shared, css`
    .drop { border: 2px dashed #8a96a3; border-radius: 6px; padding: 1rem; text-align: center; }
    .drop.over { border-color: #1f6feb; background: #eef4ff; }
  `];

  @state() accessor over = false;
  @state() accessor problem = "";

  override render() {
    return html`
      <div class="drop ${this.over ? "over" : ""}" @dragover=${this.dragOver} @dragleave=${() => (this.over = false)} @drop=${this.drop}>
        <label>Parquet split files (train, val, test):
          <input type="file" accept=".parquet" multiple @change=${this.picked} data-testid="files" />
        </label>
        <p class="muted">or drop them here. Files are read in this tab only, a slice at a time: nothing is uploaded.</p>
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ""}
    `;
  }

  private dragOver(event: DragEvent) {
    event.preventDefault();
    this.over = true;
  }

  private drop(event: DragEvent) {
    event.preventDefault();
    this.over = false;
    this.take(Array.from(event.dataTransfer?.files ?? []));
  }

  private picked(event: Event) {
    const input = event.target as HTMLInputElement;
    this.take(Array.from(input.files ?? []));
  }

  private take(files: File[]) {
    const chosen: ChosenFiles = {};
    const unclear: string[] = [];
    for (const file of files) {
      const split = splitOf(file.name);
      if (split) chosen[split] = file;
      else unclear.push(file.name);
    }
    this.problem = unclear.length ? `Cannot tell which split ${unclear.join(", ")} is: name files with train, val or test in their names.` : "";
    if (Object.keys(chosen).length) this.dispatchEvent(new CustomEvent<ChosenFiles>("files", { detail: chosen }));
  }
}
