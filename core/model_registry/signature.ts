import { DataError } from "../errors.ts";
import type { Preprocess } from "../train/run_record.ts";
import type { Signature } from "./records.ts";

/** The classes of the probability columns, in order (short, neutral, long). */
export const CLASSES = [-1, 0, 1] as const;

/** A version's signature from the run's preprocess.json: features in order, horizon, window length, classes. */
export function signatureOf(preprocess: Preprocess): Signature {
  return {
    features: [...preprocess.features],
    horizon: preprocess.horizon,
    window_length: preprocess.seq_len,
    classes: [...CLASSES],
    label_column: preprocess.label_column,
  };
}

/**
 * The first way `columns` (an input's feature columns, in file order) differ from the signature's features,
 * or undefined when they are the same: a missing column, an unexpected one, or one out of place, each named
 * with its position (from 0).
 *
 * @example
 * ```ts
 * signatureMismatch(["a", "b"], ["a", "c"]); // 'column "b" (position 1) is missing; "c" is there instead'
 * ```
 */
export function signatureMismatch(expected: readonly string[], columns: readonly string[]): string | undefined {
  const have = new Set(columns), want = new Set(expected);
  for (let i = 0; i < Math.max(expected.length, columns.length); i++) {
    const e = expected[i], c = columns[i];
    if (e === c) continue;
    if (e !== undefined && !have.has(e)) return `column "${e}" (position ${i}) is missing${c === undefined ? "" : `; "${c}" is there instead`}`;
    if (c !== undefined && !want.has(c)) return `column ${i} is "${c}", which the model does not read${e === undefined ? "" : ` (it expects "${e}" there)`}`;
    return `column ${i} is "${c}", the model expects "${e}" there (the columns are in another order)`;
  }
  return undefined;
}

/**
 * Checks an input's feature columns against a version's signature; the first mismatching column is named
 * in a DataError with the file and the version (`label`, e.g. `btc-h5/3`).
 */
export function checkSignature(signature: Signature, columns: readonly string[], file: string, label: string): void {
  const why = signatureMismatch(signature.features, columns);
  if (why) {
    throw new DataError(`${file} does not match the signature of ${label} (${signature.features.length} features in order): ${why}`, {
      file,
      column: why.match(/"([^"]*)"/)?.[1],
    });
  }
}
