import { expect } from "vitest";

/** Every element matching `selector` in `root` and in every shadow root below it (light DOM first, then each shadow root). */
export function deepAll<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  const out: E[] = Array.from(root.querySelectorAll<E>(selector));
  if (root instanceof Element && root.shadowRoot) out.push(...deepAll<E>(root.shadowRoot, selector));
  for (const el of Array.from(root.querySelectorAll("*"))) if (el.shadowRoot) out.push(...deepAll<E>(el.shadowRoot, selector));
  return out;
}

/** The one element matching `selector` (deep); fails naming the selector when there is none or several. */
export function deep<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const found = deepAll<E>(root, selector);
  if (found.length !== 1) throw new Error(`${found.length} elements match ${selector}`);
  return found[0];
}

/** Waits until `selector` matches at least one element (deep), and returns the first. */
export async function waitFor<E extends Element = HTMLElement>(root: ParentNode, selector: string): Promise<E> {
  await expect.poll(() => deepAll(root, selector).length, { timeout: 20_000, interval: 10 }).toBeGreaterThan(0);
  return deepAll<E>(root, selector)[0];
}

/** Sets a select's or an input's value and fires the event a person's change would. */
export function choose(el: HTMLSelectElement | HTMLInputElement, value: string, event = el instanceof HTMLSelectElement ? "change" : "input") {
  el.value = value;
  el.dispatchEvent(new Event(event, { bubbles: true, composed: true }));
}

/** Text of each row of a table body (cells joined by tabs), skipping spacer rows. */
export function rowTexts(table: HTMLTableElement): string[] {
  return Array.from(table.tBodies[0].rows).filter((r) => !r.hasAttribute("aria-hidden")).map((r) =>
    Array.from(r.cells).map((c) => c.textContent!.trim()).join("\t")
  );
}

/** Lets Lit components finish rendering (two frames). */
export const settle = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
