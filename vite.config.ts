import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

// The app lives in web/; `base: "./"` makes the build work from any folder of any static server.
export default defineConfig({
  root: "web",
  base: "./",
  plugins: [tfjsWasm()],
  // esbuild lowers the standard decorators Lit components use; rollup cannot parse them as they are
  esbuild: { target: "es2022" },
  worker: { format: "es" },
  build: { outDir: "../dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4096 },
});
