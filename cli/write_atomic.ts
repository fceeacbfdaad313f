import { dirname } from "node:path";

/** Writes a file through a temp file renamed into place: a reader sees the old file or the new one, never half. */
export async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => undefined); // the temp file may not exist; the original error is what matters
    throw error;
  }
}
