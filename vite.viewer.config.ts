import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/**
 * Puts the built script (and any stylesheet) into index.html, so the viewer is one file: a page opened
 * from file:// may run an inline module script but not fetch one. The build fails if anything else
 * is left for the page to load.
 */
function singleFile(): Plugin {
  return {
    name: "single-file",
    enforce: "post",
    generateBundle(_, bundle) {
      const page = bundle["index.html"];
      if (!page || page.type !== "asset") throw new Error("single-file: the build has no index.html");
      let html = String(page.source);
      for (const [name, item] of Object.entries(bundle)) {
        if (item.type === "chunk") {
          const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${escape(name)}"></script>`);
          if (!tag.test(html)) throw new Error(`single-file: index.html does not load ${name}`);
          // "</script" or "<!--" inside the code would end or confuse the inline element; "\/" and "\!" read the same in JS strings
          const code = item.code.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
          html = html.replace(tag, () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (name.endsWith(".css")) {
          const tag = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${escape(name)}">`);
          html = html.replace(tag, () => `<style>${String(item.source).replace(/<\/style/gi, "<\\/style")}</style>`);
          delete bundle[name];
        }
      }
      const left = Object.keys(bundle).filter((n) => n !== "index.html");
      if (left.length) throw new Error(`single-file: the viewer would load files beside it: ${left.join(", ")}`);
      page.source = html;
    },
  };
}

/**
 * Adds viewer/index.html to the app's precache.json when the viewer is built into the app's build (as
 * npm run build lays it out), so the app's "download as a viewer page" works offline too.
 */
function appPrecache(): Plugin {
  let outDir = "";
  return {
    name: "app-precache",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const list = join(dirname(outDir), "precache.json");
      if (!existsSync(list)) return;
      const entry = `${outDir.slice(dirname(outDir).length + 1)}/index.html`;
      const files: string[] = JSON.parse(readFileSync(list, "utf8"));
      if (!files.includes(entry)) writeFileSync(list, JSON.stringify([...files, entry].sort(), null, 1));
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The static viewer (web/viewer): one self-contained index.html in dist/viewer/, which `mf export`
// copies and the app's export reads. No tfjs: it shows runs, it does not train or predict.
export default defineConfig({
  root: "web/viewer",
  base: "./",
  plugins: [singleFile(), appPrecache()],
  esbuild: { target: "es2022" },
  build: {
    outDir: "../../dist/viewer",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
