// Writes config/schemas/*.schema.json from the zod schemas (core/config/json_schemas.ts): `npm run schemas`.
// tests/core/config/json_schemas.test.ts fails when a committed file differs from what this writes.
import { configSchemaFiles } from "../core/config/json_schemas.ts";
import { registry } from "../models/index.ts";

const dir = new URL("../config/schemas/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });
const files = configSchemaFiles(registry);
for (const [name, text] of Object.entries(files)) {
  await Deno.writeTextFile(new URL(name, dir), text);
  console.log(`config/schemas/${name}`);
}
// a schema that is no longer made would otherwise linger and still be referenced
for await (const entry of Deno.readDir(dir)) {
  if (entry.name.endsWith(".schema.json") && !(entry.name in files)) {
    await Deno.remove(new URL(entry.name, dir));
    console.log(`config/schemas/${entry.name} (removed: no schema of that name)`);
  }
}
