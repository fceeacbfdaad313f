import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../core/errors.ts";

/** The repository root (where package.json and vite.viewer.config.ts are). */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where `npm run build` (and this module, on demand) puts the static viewer: one self-contained page. */
export const VIEWER_HTML = join(ROOT, "dist", "viewer", "index.html");
/** What the viewer is built from: a newer file here means the built page is stale. */
const SOURCES = ["web", "core", "vite.viewer.config.ts", "package-lock.json"];

/**
 * The built viewer page, built first when it is missing or older than its sources (a fresh clone, or
 * edited code), saying so on `log`. Building needs Node, which `npm ci` already required.
 */
export async function viewerHtml(log: (line: string) => void): Promise<string> {
  const built = await mtime(VIEWER_HTML);
  const newest = Math.max(...(await Promise.all(SOURCES.map((s) => newestIn(join(ROOT, s))))));
  if (built === undefined || built < newest) {
    log(built === undefined ? "Building the viewer (first use; npm run build:viewer does the same) ..." : "Rebuilding the viewer (its sources changed) ...");
    await buildViewer();
  }
  return await Deno.readTextFile(VIEWER_HTML);
}

/** Runs Vite with vite.viewer.config.ts into a temp folder, then moves the page into place (so concurrent exports never read half a file). */
async function buildViewer(): Promise<void> {
  const out = await Deno.makeTempDir({ dir: join(ROOT, "dist"), prefix: ".viewer-build-" }).catch(async () => {
    await Deno.mkdir(join(ROOT, "dist"), { recursive: true });
    return Deno.makeTempDir({ dir: join(ROOT, "dist"), prefix: ".viewer-build-" });
  });
  const args = [
    join(ROOT, "node_modules", "vite", "bin", "vite.js"),
    "build",
    "--config",
    "vite.viewer.config.ts",
    "--outDir",
    out,
    "--emptyOutDir",
    "--logLevel",
    "error",
  ];
  let result: Deno.CommandOutput;
  try {
    // NODE_ENV=test (set by vitest, inherited here) would make Vite build Lit's development mode
    result = await new Deno.Command("node", { args, cwd: ROOT, env: { NODE_ENV: "production" }, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    await Deno.remove(out, { recursive: true });
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError("Building the viewer needs Node (node was not found on PATH); install Node 20+ and run npm run build:viewer");
    }
    throw error;
  }
  try {
    if (!result.success) {
      const why = new TextDecoder().decode(result.stderr).trim().split("\n").slice(-8).join("\n");
      throw new ConfigError(`Building the viewer failed (node ${args.slice(0, 4).join(" ")}):\n${why}`);
    }
    await Deno.mkdir(dirname(VIEWER_HTML), { recursive: true });
    await Deno.rename(join(out, "index.html"), VIEWER_HTML);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** The newest modification time of a file, or of any file under a folder. */
async function newestIn(path: string): Promise<number> {
  const info = await Deno.stat(path);
  if (!info.isDirectory) return info.mtime?.getTime() ?? 0;
  let newest = 0;
  for await (const entry of Deno.readDir(path)) newest = Math.max(newest, await newestIn(join(path, entry.name)));
  return newest;
}
