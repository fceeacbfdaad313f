// Service worker: makes the app work offline after the first visit. It caches every file of the
// build (listed in precache.json at build time) on install; hashed assets are served from the cache,
// everything else from the network first, falling back to the cache when offline.
// Lookups ignore `Vary`: the cache holds one response per URL, and a server that answers with
// `Vary: Origin` (vite preview, many CDNs) would otherwise never match a module script's request, which
// carries an Origin header the precache's own requests did not.
// Every response it serves carries COOP/COEP, so the page is cross-origin isolated (SharedArrayBuffer: tfjs's threaded
// wasm, shared buffers for the trees' histogram workers) behind any static server, from the first load it controls.

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
// the DOM lib types `self` as a Window; in a service worker it is this much
const sw = self as unknown as {
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
};
const CACHE = "model-factory-v1";
// file names with a content hash (and the wasm binaries of a pinned tfjs) never change in place
const IMMUTABLE = /\/assets\/|\.wasm$/;
const BY_URL: CacheQueryOptions = { ignoreVary: true };

/** `response` with the headers that make a page (and its workers) cross-origin isolated; every file here is same-origin. */
function isolated(response: Response): Response {
  // an opaque or error response cannot be rebuilt (and is not a page or script of ours)
  if (response.status < 200 || response.status > 599) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  headers.set("Cross-Origin-Resource-Policy", "same-origin");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

sw.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const files: string[] = await (await fetch("precache.json", { cache: "no-store" })).json();
    await (await caches.open(CACHE)).addAll(["./", ...files]);
    await sw.skipWaiting();
  })());
});

sw.addEventListener("activate", (event) => event.waitUntil(sw.clients.claim()));

sw.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== sw.location.origin) return;
  event.respondWith(serve(request, url).then(isolated));
});

/** Hashed assets from the cache; everything else from the network, the cache when offline. */
async function serve(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(CACHE);
  if (IMMUTABLE.test(url.pathname)) {
    const hit = await cache.match(request, BY_URL);
    if (hit) return hit;
  }
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    const hit = await cache.match(request, { ...BY_URL, ignoreSearch: true });
    if (hit) return hit;
    throw offline;
  }
}
