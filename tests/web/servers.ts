import { spawn } from "node:child_process";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { preview } from "vite";

// The two kinds of server people serve the built app with, for tests/web: the README's `npm run preview` (Vite's preview
// server with the project's config) and a plain static server (python3 -m http.server).
const root = new URL("../..", import.meta.url).pathname;

/** A server of the built app: its URL and how to stop it (a second close is a no-op). */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/** `npm run preview` as the README runs it: vite preview with the project's config, on the test's build. */
export async function vitePreview(dist: string): Promise<Served> {
  const server = await preview({
    configFile: join(root, "vite.config.ts"),
    logLevel: "error",
    build: { outDir: dist },
    preview: { host: "127.0.0.1", port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview reported no local URL");
  return {
    url,
    close: async () => {
      // keep-alive connections would hold the server open; the page must see it gone at once
      const http = server.httpServer;
      if ("closeAllConnections" in http) http.closeAllConnections();
      await server.close();
    },
  };
}

/** A port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** python3 -m http.server serving `dist`, once it answers. */
export async function pythonServer(dist: string): Promise<Served> {
  const port = await freePort();
  const child = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dist], { stdio: "ignore" });
  for (let tries = 0;; tries++) {
    if (child.exitCode !== null) throw new Error(`python3 -m http.server exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/precache.json`).then((r) => r.ok, () => false);
    if (up) break;
    if (tries > 100) throw new Error(`python3 -m http.server did not answer on port ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // a second close waits on the same exit (a killed child's exitCode stays null: it has a signalCode instead)
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
