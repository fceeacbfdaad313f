/** `npm run wasm`: regenerates each WebAssembly kernel's `_wasm.ts` module from its `.wat` source (scripts/wasm_assemble.ts). */
import { assemble, WASM_SOURCES } from "./wasm_assemble.ts";

const root = new URL("..", import.meta.url);
for (const source of WASM_SOURCES) {
  const { path, module } = await assemble(source, await Deno.readTextFile(new URL(source.wat, root)));
  await Deno.writeTextFile(new URL(path, root), module);
  console.log(`wrote ${path}`);
}
