import { afterEach, describe, expect, it } from "vitest";
import type { DataPicker } from "../../../web/data/data_picker.ts";
import "../../../web/data/data_picker.ts";

let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

async function picker(raw = true): Promise<DataPicker> {
  const element = document.createElement("mf-data-picker") as DataPicker;
  element.raw = raw;
  document.body.append(element);
  mounted.push(element);
  await element.updateComplete;
  return element;
}

/** Picks `files` through the file input as a person would: the input holds them, then fires change. */
function pick(element: DataPicker, files: File[]): HTMLInputElement {
  const input = element.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
  const list = new DataTransfer();
  for (const f of files) list.items.add(f);
  input.files = list.files;
  input.dispatchEvent(new Event("change"));
  return input;
}

describe("mf-data-picker", () => {
  it("offers three layouts; raw bars fire `bars` with the one file", async () => {
    const element = await picker();
    const radios = Array.from(element.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]'));
    expect(radios.map((r) => r.value)).toEqual(["splits", "one", "raw"]);
    const layouts: string[] = [];
    element.addEventListener("layout", (e) => layouts.push((e as CustomEvent<string>).detail));
    radios[2].click();
    expect(layouts).toEqual(["raw"]);
    await element.updateComplete;
    const bars: File[] = [];
    element.addEventListener("bars", (e) => bars.push((e as CustomEvent<File>).detail));
    const file = new File(["PAR1"], "bars.parquet");
    pick(element, [file]);
    expect(bars).toEqual([file]);
  });

  it("offers the raw layout only where the page asks for it", async () => {
    const element = await picker(false);
    const radios = Array.from(element.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]'));
    expect(radios.map((r) => r.value)).toEqual(["splits", "one"]);
  });

  it("clears the input after a pick, so picking the same file again after switching layout is heard", async () => {
    const element = await picker();
    const file = new File(["PAR1"], "train.parquet");
    const heard: string[] = [];
    element.addEventListener("files", () => heard.push("files"));
    element.addEventListener("file", () => heard.push("file"));
    const input = pick(element, [file]);
    expect(input.value).toBe("");
    element.shadowRoot!.querySelector<HTMLInputElement>('input[value="one"]')!.click();
    await element.updateComplete;
    pick(element, [file]);
    expect(heard).toEqual(["files", "file"]);
  });
});
