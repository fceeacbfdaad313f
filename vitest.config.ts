import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/browser/**", "tests/cli/**", "tests/web/**/*.e2e.test.ts"],
          testTimeout: 60_000,
          // Node 20's V8 has relaxed SIMD behind a flag (Deno and Chromium have it on): the wasm products' kernel
          // (models/tfjs/wasm/gemm.wat) is tested in both of its forms
          execArgv: ["--experimental-wasm-relaxed-simd"],
        },
      },
      {
        // The Deno CLI end to end: each test spawns `deno run cli/main.ts`.
        test: { name: "cli", include: ["tests/cli/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 300_000 },
      },
      {
        // The built web app end to end: Node builds it, serves it and drives Debian's Chromium through Playwright.
        test: {
          name: "web",
          include: ["tests/web/**/*.e2e.test.ts"],
          environment: "node",
          globalSetup: ["tests/web/global_setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Real headless Chromium with a software WebGPU adapter (SwiftShader).
        // esbuild lowers the standard decorators of Lit components, as in vite.config.ts
        esbuild: { target: "es2022" },
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          testTimeout: 300_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
                args: ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--no-sandbox", "--disable-background-networking", "--disable-component-update"],
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
