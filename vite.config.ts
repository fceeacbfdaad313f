import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

const WASM_DIR = "node_modules/@tensorflow/tfjs-backend-wasm/dist";

/** Serves (dev) and copies (build) tfjs's WebAssembly binaries to tfjs-wasm/, where the app points the wasm backend. */
function tfjsWasm(): Plugin {
  const files = readdirSync(WASM_DIR).filter((f) => f.endsWith(".wasm"));
  return {
    name: "tfjs-wasm",
    configureServer(server) {
      server.middlewares.use("/tfjs-wasm/", (req, res, next) => {
        const file = (req.url ?? "").slice(1);
        if (!files.includes(file)) return next();
        res.setHeader("Content-Type", "application/wasm");
        res.end(readFileSync(join(WASM_DIR, file)));
      });
    },
    generateBundle() {
      for (const file of files) this.emitFile({ type: "asset", fileName: `tfjs-wasm/${file}`, source: readFileSync(join(WASM_DIR, file)) });
    },
  };
}

/** Writes precache.json, every file of the finished build, which the service worker caches for offline use. */
function precacheList(): Plugin {
  let outDir = "";
  return {
    name: "precache-list",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files = readdirSync(outDir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name !== "precache.json" && e.name !== "sw.js")
        .map((e) => relative(outDir, join(e.parentPath, e.name)).split("\\").join("/"))
        .sort();
      writeFileSync(join(outDir, "precache.json"), JSON.stringify(files, null, 1));
    },
  };
}

/** Cross-origin isolation (SharedArrayBuffer: tfjs's threaded wasm, the trees' shared histogram buffers); the service worker adds the same headers behind other servers. */
const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

// The app lives in web/; `base: "./"` makes the build work from any folder of any static server.
export default defineConfig({
  root: "web",
  base: "./",
  plugins: [tfjsWasm(), precacheList()],
  // esbuild lowers the standard decorators Lit components use; rollup cannot parse them as they are
  esbuild: { target: "es2022" },
  worker: { format: "es" },
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  // the worker is crawled up front: deps the dev server discovers late (in its dynamic imports) make it reload the page, losing opened files
  optimizeDeps: { entries: ["index.html", "worker/worker.ts"] },
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // the service worker is its own entry at a fixed name, so the page can register it
      input: { index: "web/index.html", sw: "web/sw.ts" },
      output: { entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js") },
    },
  },
});
