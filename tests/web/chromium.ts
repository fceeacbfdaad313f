import { type Browser, chromium } from "playwright";

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
