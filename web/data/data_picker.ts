import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { shared } from "../styles.ts";
import { canKeepFiles, forgetHandles, keepHandles, pickParquetHandles } from "./file_handles.ts";
import { splitOf } from "./split_names.ts";

/** Files chosen so far, by split. */
export type ChosenFiles = Partial<Record<"train" | "val" | "test", File>>;

/** How the data comes: three split files, one file cut by time in the page, or raw OHLCV bars prepared in the page. */
export type DataLayout = "splits" | "one" | "raw";

/** What each layout's radio button says. */
const LAYOUTS: Record<DataLayout, string> = {
  splits: "three split files (train, val, test)",
  one: "one file, split by time here",
  raw: "raw OHLCV bars, prepared here",
};

/**
 * Picks the data by file input or drag and drop: the three split files (fires `files` with each
 * split's File), one file to cut by time (fires `file`) or raw bars to prepare (fires `bars`). The layout
 * is chosen here and reported with `layout`. Nothing is uploaded.
 */
@customElement("mf-data-picker")
export class DataPicker extends LitElement {
  static override styles = [
    shared,
    css`
      .drop {
        border: 2px dashed #8a96a3;
        border-radius: 6px;
        padding: 1rem;
        text-align: center;
      }
      .drop.over {
        border-color: #1f6feb;
        background: #eef4ff;
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0 0 0.6rem;
        display: flex;
        gap: 1.2rem;
        flex-wrap: wrap;
      }
    `,
  ];

  @property()
  accessor layout: DataLayout = "splits";
  /** Offer the raw-bars layout (a page that prepares bars: the Train page); off where raw bars cannot be used. */
  @property({ type: Boolean })
  accessor raw = false;
  /**
   * Where the picked files are kept to be reopened after a reload (web/data/file_handles.ts, under `<keep>:<layout>`):
   * files picked through the browser's file picker or dropped keep their handles; empty keeps nothing.
   */
  @property()
  accessor keep = "";
  @state()
  accessor over = false;
  @state()
  accessor problem = "";

  override render() {
    const one = this.layout !== "splits";
    const what = {
      splits: "Parquet split files (train, val, test):",
      one: "One Parquet file (features and labels):",
      raw: "Raw bars, one Parquet file (datetime, symbol, OHLCV):",
    };
    return html`
      <fieldset>
        <legend class="muted">Data layout</legend>
        ${(Object.keys(LAYOUTS) as DataLayout[]).filter((layout) => this.raw || layout !== "raw").map((layout) =>
          html`<label><input type="radio" name="layout" value=${layout} .checked=${this.layout === layout} @change=${() => this.choose(layout)} /> ${
            LAYOUTS[layout]
          }</label>`
        )}
      </fieldset>
      <div class="drop ${this.over ? "over" : ""}" @dragover=${this.dragOver} @dragleave=${() => (this.over = false)} @drop=${this.drop}>
        <label>${what[this.layout]}
          <input type="file" accept=".parquet" ?multiple=${!one} @click=${this.clicked} @change=${this.picked} data-testid="files" />
        </label>
        <p class="muted">or drop ${one ? "it" : "them"} here. Files are read in this tab only, a slice at a time: nothing is uploaded.</p>
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ""}
    `;
  }

  /** Switches the layout as if the person had chosen it (the page's "prepare these bars" offer). */
  choose(layout: DataLayout) {
    this.layout = layout;
    this.problem = "";
    this.dispatchEvent(new CustomEvent<DataLayout>("layout", { detail: layout }));
  }

  private dragOver(event: DragEvent) {
    event.preventDefault();
    this.over = true;
  }

  private drop(event: DragEvent) {
    event.preventDefault();
    this.over = false;
    // a dropped item's handle can only be asked for during the drop event itself
    type Item = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };
    const handles = this.keep ? Array.from(event.dataTransfer?.items ?? [], (item) => (item as Item).getAsFileSystemHandle?.()) : [];
    this.take(Array.from(event.dataTransfer?.files ?? []));
    if (!this.keep) return;
    void Promise.all(handles).then((found) =>
      found.every((h) => h?.kind === "file") && found.length ? this.remember(found as FileSystemFileHandle[]) : this.forget()
    );
  }

  /** Where the browser has a file picker that gives handles, it replaces the input's dialog, so the files can be reopened after a reload. */
  private async clicked(event: Event) {
    if (!this.keep || !canKeepFiles()) return;
    event.preventDefault();
    try {
      const handles = await pickParquetHandles(this.layout === "splits");
      if (!handles) return;
      this.take(await Promise.all(handles.map((h) => h.getFile())));
      await this.remember(handles);
    } catch (error) {
      this.problem = `The files could not be opened: ${(error as Error).message}`;
    }
  }

  private picked(event: Event) {
    const input = event.target as HTMLInputElement;
    this.take(Array.from(input.files ?? []));
    // else picking the same file again (after switching layout) fires no change event
    input.value = "";
    // files from the plain input have no handle: what was kept no longer describes what is open
    if (this.keep) void this.forget();
  }

  private async remember(handles: FileSystemFileHandle[]) {
    try {
      await keepHandles(`${this.keep}:${this.layout}`, handles);
    } catch (error) {
      // the files are open; only their reopening after a reload is lost, so the page says so instead of failing
      this.problem = `These files will not be reopened after a reload: ${(error as Error).message}`;
    }
  }

  private async forget() {
    try {
      await forgetHandles(`${this.keep}:${this.layout}`);
    } catch (error) {
      console.warn(`Could not forget the files kept for ${this.keep}:${this.layout}: ${(error as Error).message}`);
    }
  }

  private take(files: File[]) {
    if (this.layout !== "splits") {
      const raw = this.layout === "raw";
      this.problem = files.length > 1
        ? `Choose one file ${raw ? "of raw bars" : "to split by time"}, not ${files.length}; for split files choose "three split files".`
        : "";
      if (files.length === 1) this.dispatchEvent(new CustomEvent<File>(raw ? "bars" : "file", { detail: files[0] }));
      return;
    }
    const chosen: ChosenFiles = {};
    const unclear: string[] = [];
    for (const file of files) {
      const split = splitOf(file.name);
      if (split) chosen[split] = file;
      else unclear.push(file.name);
    }
    this.problem = unclear.length
      ? `Cannot tell which split ${unclear.join(", ")} is: name files with train, val or test in their names, or choose "one file, split by time here"${
        this.raw ? ' (or "raw OHLCV bars, prepared here" for raw bars)' : ""
      }.`
      : "";
    if (Object.keys(chosen).length) this.dispatchEvent(new CustomEvent<ChosenFiles>("files", { detail: chosen }));
  }
}
