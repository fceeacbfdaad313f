import { type Browser, chromium, type Page } from "playwright";

/**
 * Debian's Chromium, headless, as every e2e test drives it (Playwright cannot download its own);
 * `webgpu` turns on WebGPU, which there is SwiftShader's software adapter.
 */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  const gpu = options.webgpu ? ["--enable-unsafe-webgpu", "--enable-features=Vulkan"] : [];
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...gpu, "--no-sandbox", "--disable-background-networking", "--disable-component-update"],
  });
}

/** The page's uncaught errors and console errors, collected as they happen (a test expects none). */
export function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}
