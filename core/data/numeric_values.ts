import type { SchemaElement } from "hyparquet";

/**
 * Values of one decoded Parquet chunk as plain JS numbers where they are numbers: 64-bit integers (signed or
 * unsigned, which hyparquet gives as bigint) become numbers, and a DECIMAL that hyparquet left unscaled (one
 * marked only by its logical type: raw integers or big-endian two's-complement bytes) is scaled. Nulls stay
 * null; every other chunk (floats, 32-bit integers, strings, dates) is returned as it is.
 * @example numericChunk({ name: "n", type: "INT64" }, BigInt64Array.of(1n, -2n)) // Float64Array [1, -2]
 */
export function numericChunk(element: SchemaElement | undefined, data: ArrayLike<unknown>): ArrayLike<unknown> {
  // hyparquet applies a DECIMAL's scale only when the legacy converted type says DECIMAL
  const scale = element?.logical_type?.type === "DECIMAL" && element.converted_type !== "DECIMAL" ? 10 ** -(element.logical_type.scale ?? 0) : 1;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let k = 0; k < data.length; k++) out[k] = Number(data[k]) * scale;
    return out;
  }
  if (ArrayBuffer.isView(data)) {
    if (scale === 1) return data;
    const out = new Float64Array(data.length);
    for (let k = 0; k < data.length; k++) out[k] = Number(data[k]) * scale;
    return out;
  }
  if (scale === 1 && !needsConversion(data)) return data;
  const out = new Array<unknown>(data.length);
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    out[k] = typeof v === "bigint" ? Number(v) * scale : v instanceof Uint8Array ? decimalBytes(v) * scale : typeof v === "number" ? v * scale : v;
  }
  return out;
}

/** Whether an array chunk holds a bigint (a nullable 64-bit column) or bytes (an unscaled DECIMAL); the first non-null value tells. */
function needsConversion(data: ArrayLike<unknown>): boolean {
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v === null || v === undefined) continue;
    return typeof v === "bigint" || v instanceof Uint8Array;
  }
  return false;
}

/** A big-endian two's-complement integer (a DECIMAL stored as bytes). */
function decimalBytes(bytes: Uint8Array): number {
  if (!bytes.length) return 0;
  let value = 0n;
  for (const byte of bytes) value = value * 256n + BigInt(byte);
  const bits = BigInt(bytes.length * 8);
  if (value >= 1n << (bits - 1n)) value -= 1n << bits;
  return Number(value);
}
