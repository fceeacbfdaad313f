import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The production build of the web app that every tests/web file serves. */
    webDist: string;
  }
}

/** Builds the app and the viewer once for all tests/web files (a build takes most of a minute on two cores). */
export default async function setup(project: TestProject) {
  const dist = mkdtempSync(join(tmpdir(), "mf-web-dist-"));
  // vitest sets NODE_ENV=test, which would make Vite build a development bundle (no service worker, Lit's dev mode)
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: join(project.config.root, "vite.config.ts"), mode: "production", logLevel: "error", build: { outDir: dist, emptyOutDir: true } });
    // the static viewer beside the app, as npm run build lays it out: the app's "viewer page" export reads it
    await build({
      configFile: join(project.config.root, "vite.viewer.config.ts"),
      mode: "production",
      logLevel: "error",
      build: { outDir: join(dist, "viewer"), emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  project.provide("webDist", dist);
  return () => rmSync(dist, { recursive: true, force: true });
}
