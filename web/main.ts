// Entry point: opens the IndexedDB run store and hands it, the model registry and the wasm location to the app.
import { registry } from "../models/index.ts";
import { IdbRunStore } from "./idb_store.ts";
import type { App } from "./app.ts";
import "./app.ts";

const app = document.querySelector<App>("mf-app")!;
app.registry = registry;
app.wasmPaths = new URL("tfjs-wasm/", document.baseURI).href;
IdbRunStore.open().then(
  (store) => (app.store = store),
  (error: Error) => (app.failure = `Cannot open the run store (IndexedDB): ${error.message}. Private windows and some browser settings block it.`),
);

// Offline use after the first visit (the built app only: the dev server's modules change as you edit).
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  navigator.serviceWorker.register("sw.js").catch((error: Error) => console.warn(`Offline mode unavailable: ${error.message}`));
}
