/** The split a file belongs to, by its name: `train*`, `val*`/`valid*`, `test*`; undefined when unclear. */
export function splitOf(fileName: string): "train" | "val" | "test" | undefined {
  const name = fileName.toLowerCase();
  const hits = (["train", "val", "test"] as const).filter((split) => name.includes(split));
  return hits.length === 1 ? hits[0] : undefined;
}
